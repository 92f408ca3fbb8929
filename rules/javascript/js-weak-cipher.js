const crypto = require("crypto");
const CryptoJS = require("crypto-js");

function seal(key, iv, text) {
  // ruleid: js-weak-cipher
  const a = crypto.createCipheriv("des-ede3-cbc", key, iv);
  // ruleid: js-weak-cipher
  const b = crypto.createCipheriv("aes-128-ecb", key, null);
  // ruleid: js-weak-cipher
  const c = CryptoJS.TripleDES.encrypt(text, key).toString();
  // ok: js-weak-cipher
  const d = crypto.createCipheriv("aes-256-gcm", key, iv);
  // ok: js-weak-cipher
  const e = CryptoJS.AES.encrypt(text, key).toString();
  return [a, b, c, d, e];
}
