const jwt = require("jsonwebtoken");
const session = require("express-session");

function login(app, user) {
  app.use(session({
    // ruleid: js-hardcoded-signing-secret
    secret: "keyboard cat",
    resave: false,
  }));
  // ruleid: js-hardcoded-signing-secret
  const token = jwt.sign({ sub: user.id }, "my-jwt-secret", { expiresIn: "1h" });
  // ok: js-hardcoded-signing-secret
  const ok = jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { expiresIn: "1h" });
  // ok: js-hardcoded-signing-secret
  app.use(session({ secret: process.env.SESSION_SECRET, resave: false }));
  return [token, ok];
}
