import { execSync } from "child_process";
import * as cp from "node:child_process";

export function archive(dir: string, name?: string): Buffer {
  // ruleid: js-child-process-exec
  cp.exec(`tar czf ${name!}.tgz ${dir}`);
  // ruleid: js-child-process-exec
  return execSync("tar czf - " + (dir as string));
}

export function version(): string {
  // ok: js-child-process-exec
  return execSync("git rev-parse HEAD").toString();
}

import shell from "child_process";

export function run(cmd: string): void {
  // todoruleid: js-child-process-exec
  shell.exec(cmd);
}
