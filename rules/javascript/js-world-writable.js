const fs = require("fs");

function publish(dir, file) {
  // ruleid: js-world-writable
  fs.chmodSync(file, 0o777);
  // ruleid: js-world-writable
  fs.mkdirSync(dir, { recursive: true, mode: 0o777 });
  // ruleid: js-world-writable
  fs.chmod(file, "666", () => {});
  // ruleid: js-world-writable
  process.umask(0);
  // ok: js-world-writable
  fs.chmodSync(file, 0o640);
  // ok: js-world-writable
  fs.mkdirSync(dir, { recursive: true, mode: 0o750 });
  // ok: js-world-writable
  process.umask(0o027);
}
