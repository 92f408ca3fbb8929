const _ = require("lodash");

function merge(target, source) {
  // ruleid: js-prototype-pollution
  for (const key in source) {
    if (typeof source[key] === "object" && source[key] !== null) {
      target[key] = merge(target[key] || {}, source[key]);
    } else {
      target[key] = source[key];
    }
  }
  return target;
}

function safeMerge(target, source) {
  // ok: js-prototype-pollution
  for (const key in source) {
    if (key === "__proto__" || key === "constructor" || key === "prototype") continue;
    target[key] = source[key];
  }
  // ok: js-prototype-pollution
  for (const item of source.items) {
    target[item] = true;
  }
  return target;
}

function update(req, settings) {
  // ruleid: js-prototype-pollution
  _.set(settings, req.body.path, req.body.value);
  // ruleid: js-prototype-pollution
  _.merge(settings, JSON.parse(req.body.json));
  // ok: js-prototype-pollution
  _.set(settings, "theme", req.body.theme);
  return settings;
}

function flatten(expected) {
  // ok: js-prototype-pollution
  for (const key in expected) {
    if (Array.isArray(expected[key])) {
      expected[key] = expected[key].join(",");
    }
  }
  return expected;
}
