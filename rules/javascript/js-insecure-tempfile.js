const fs = require("fs");
const os = require("os");
const path = require("path");

function cache(data, id) {
  // ruleid: js-insecure-tempfile
  fs.writeFileSync("/tmp/app-cache.json", JSON.stringify(data));
  // ruleid: js-insecure-tempfile
  fs.writeFileSync(`/tmp/upload-${id}.bin`, data);
  // ruleid: js-insecure-tempfile
  fs.openSync(path.join(os.tmpdir(), "app.lock"), "wx");
  // ok: js-insecure-tempfile
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "app-"));
  // ok: js-insecure-tempfile
  fs.writeFileSync(path.join(dir, "cache.json"), JSON.stringify(data));
  return dir;
}
