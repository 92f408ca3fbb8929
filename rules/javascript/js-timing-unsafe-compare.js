const crypto = require("crypto");

function authorize(req, user) {
  // ruleid: js-timing-unsafe-compare
  if (req.headers["x-api-key"] !== process.env.API_KEY) return false;
  const expected = crypto.createHmac("sha256", process.env.HOOK_KEY).update(req.rawBody).digest("hex");
  // ruleid: js-timing-unsafe-compare
  if (expected === req.headers.signature) return true;
  // ok: js-timing-unsafe-compare
  if (req.headers.token === undefined) return false;
  // ok: js-timing-unsafe-compare
  if (typeof user.password === "string") return false;
  // ok: js-timing-unsafe-compare
  if (req.body.field !== "password") return false;
  // ok: js-timing-unsafe-compare
  if (req.error.code === "EINTEGRITYSIGNATURE") return false;
  // ok: js-timing-unsafe-compare
  return crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(req.headers.signature));
}
