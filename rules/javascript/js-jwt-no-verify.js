const jwt = require("jsonwebtoken");

function currentUser(req) {
  const token = req.headers.authorization.split(" ")[1];
  // ruleid: js-jwt-no-verify
  const claims = jwt.decode(token);
  // ruleid: js-jwt-no-verify
  const loose = jwt.verify(token, process.env.JWT_KEY, { algorithms: ["none", "HS256"] });
  // ok: js-jwt-no-verify
  const checked = jwt.verify(token, process.env.JWT_KEY, { algorithms: ["RS256"] });
  return [claims, loose, checked];
}
