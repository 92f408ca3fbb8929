import { createDecipheriv } from "crypto";

export function open(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  // ruleid: js-weak-cipher
  const d = createDecipheriv("rc4", key, null);
  // ok: js-weak-cipher
  const g = createDecipheriv("chacha20-poly1305", key, iv, { authTagLength: 16 });
  return Buffer.concat([d.update(data), g.update(data)]);
}
