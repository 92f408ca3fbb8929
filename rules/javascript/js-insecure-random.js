const crypto = require("crypto");

function makeToken() {
  // ruleid: js-insecure-random
  const token = Math.random().toString(36).slice(2);
  // ok: js-insecure-random
  const safe = crypto.randomBytes(16).toString("hex");
  // ok: js-insecure-random
  const n = Math.floor(3.7);
  return [token, safe, n];
}
