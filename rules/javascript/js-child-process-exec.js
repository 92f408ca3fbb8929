const childProcess = require("child_process");

function convert(req, res) {
  const file = req.query.file;
  // ruleid: js-child-process-exec
  childProcess.exec("convert " + file + " out.png", (err) => res.end(String(err)));
  // ruleid: js-child-process-exec
  const out = require("child_process").execSync(`ls ${file}`);
  // ok: js-child-process-exec
  childProcess.execFile("convert", [file, "out.png"]);
  // ok: js-child-process-exec
  childProcess.exec("uptime");
  return out;
}
