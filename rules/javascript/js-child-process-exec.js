const childProcess = require("child_process");
const { exec, execSync: runSync } = require("child_process");
const proc = require("node:child_process");

function convert(req, res) {
  const file = req.query.file;
  // ruleid: js-child-process-exec
  childProcess.exec("convert " + file + " out.png", (err) => res.end(String(err)));
  // ruleid: js-child-process-exec
  const out = require("child_process").execSync(`ls ${file}`);
  // ruleid: js-child-process-exec
  exec(`git log ${req.body.ref}`);
  // ruleid: js-child-process-exec
  proc.execSync(file);
  // ok: js-child-process-exec
  childProcess.execFile("convert", [file, "out.png"]);
  // ok: js-child-process-exec
  childProcess.exec("uptime");
  // ok: js-child-process-exec
  exec(`uptime`);
  // ok: js-child-process-exec
  /^a+$/.exec(file);
  return out;
}
