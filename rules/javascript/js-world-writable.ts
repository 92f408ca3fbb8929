import { promises as fsp } from "node:fs";

export async function saveShared(path: string, body: string): Promise<void> {
  // ruleid: js-world-writable
  await fsp.writeFile(path, body, { mode: 0o666 });
  // ok: js-world-writable
  await fsp.writeFile(path, body, { mode: 0o600 });
}
