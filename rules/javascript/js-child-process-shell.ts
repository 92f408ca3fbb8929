import { spawnSync } from "child_process";

export function lint(files: string[]): number {
  // ruleid: js-child-process-shell
  const r = spawnSync("eslint " + files.join(" "), { shell: true, stdio: "inherit" });
  // ok: js-child-process-shell
  const s = spawnSync("eslint", files, { stdio: "inherit" });
  return (r.status ?? 1) + (s.status ?? 1);
}
