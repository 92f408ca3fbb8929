const crypto = require("crypto");
const CryptoJS = require("crypto-js");

function fingerprint(password, data) {
  // ruleid: js-weak-hash
  const h = crypto.createHash("md5").update(password).digest("hex");
  // ruleid: js-weak-hash
  const s = crypto.createHash('sha1').update(data).digest("hex");
  // ruleid: js-weak-hash
  const c = CryptoJS.MD5(password).toString();
  // ok: js-weak-hash
  const good = crypto.createHash("sha256").update(data).digest("hex");
  return [h, s, c, good];
}
