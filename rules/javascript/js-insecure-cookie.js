const session = require("express-session");

function setup(app) {
  app.use(session({
    secret: process.env.SESSION_SECRET,
    // ruleid: js-insecure-cookie
    cookie: { secure: false, maxAge: 3600000 },
  }));
  app.get("/login", (req, res) => {
    // ruleid: js-insecure-cookie
    res.cookie("sid", req.sessionID, { httpOnly: false, sameSite: "lax" });
    // ok: js-insecure-cookie
    res.cookie("sid", req.sessionID, { httpOnly: true, secure: true, sameSite: "strict" });
    res.end();
  });
}
