const path = require("path");

function loadPlugin(name) {
  // ruleid: js-non-literal-require
  const plugin = require(name);
  // ruleid: js-non-literal-require
  const theme = require(path.join(__dirname, "themes", name));
  // ok: js-non-literal-require
  const fs = require("fs");
  return [plugin, theme, fs];
}
