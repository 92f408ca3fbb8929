import { createHash, createHmac } from "node:crypto";

export function etag(body: Buffer, key: string): string[] {
  // ruleid: js-weak-hash
  const a = createHash("MD5").update(body).digest("base64");
  // ruleid: js-weak-hash
  const b = createHmac("sha1", key).update(body).digest("hex");
  // ok: js-weak-hash
  const c = createHmac("sha256", key).update(body).digest("hex");
  return [a, b, c];
}
