const crypto = require("crypto");

function makeToken() {
  // ruleid: js-insecure-random
  const token = Math.random().toString(36).slice(2);
  // ruleid: js-insecure-random
  const nonce = crypto.pseudoRandomBytes(16).toString("hex");
  // ok: js-insecure-random
  const safe = crypto.randomBytes(16).toString("hex");
  // ok: js-insecure-random
  const n = Math.floor(3.7);
  return [token, nonce, safe, n];
}
