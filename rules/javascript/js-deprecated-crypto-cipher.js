const crypto = require("crypto");
const c2 = require("node:crypto");

function legacy(password, text) {
  // ruleid: js-deprecated-crypto-cipher
  const cipher = crypto.createCipher("aes-256-cbc", password);
  // ruleid: js-deprecated-crypto-cipher
  const decipher = c2.createDecipher("aes-256-cbc", password);
  // ok: js-deprecated-crypto-cipher
  const modern = crypto.createCipheriv("aes-256-gcm", crypto.scryptSync(password, "salt", 32), crypto.randomBytes(12));
  return [cipher.update(text), decipher, modern];
}
