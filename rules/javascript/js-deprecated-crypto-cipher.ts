import { createCipher, createCipheriv, randomBytes } from "crypto";

export function encrypt(key: string, iv: Buffer): unknown[] {
  // ruleid: js-deprecated-crypto-cipher
  const old = createCipher("aes192", key);
  // ok: js-deprecated-crypto-cipher
  const cur = createCipheriv("aes-256-gcm", randomBytes(32), iv);
  return [old, cur];
}
