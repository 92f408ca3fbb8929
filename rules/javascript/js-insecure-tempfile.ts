import { promises as fsp } from "fs";

export async function spool(body: string): Promise<void> {
  // ruleid: js-insecure-tempfile
  await fsp.writeFile("/var/tmp/spool.txt", body, "utf8");
  // ok: js-insecure-tempfile
  await fsp.writeFile("./spool.txt", body, "utf8");
}
