const { spawn, execFile } = require("child_process");
const cp = require("child_process");

function build(req) {
  const target = req.body.target;
  // ruleid: js-child-process-shell
  spawn(`make ${target}`, { shell: true });
  // ruleid: js-child-process-shell
  cp.spawnSync("make", [target, "-j4"], { cwd: "/src", shell: true });
  // ruleid: js-child-process-shell
  execFile(req.query.tool, [], { shell: true }, () => {});
  // ok: js-child-process-shell
  spawn("make", [target]);
  // ok: js-child-process-shell
  cp.spawnSync("make", ["all", "-j4"], { shell: true });
  // ok: js-child-process-shell
  spawn("npm run build", { shell: true });
}
