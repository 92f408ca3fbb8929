function login(req, user, logger) {
  const password = req.body.password;
  // ruleid: js-secret-in-log
  console.log("login attempt", user.email, password);
  // ruleid: js-secret-in-log
  logger.info(`issued token ${user.accessToken} for ${user.id}`);
  // ruleid: js-secret-in-log
  logger.debug({ user: user.id, authorization: req.headers.authorization });
  // ok: js-secret-in-log
  logger.info({ user: user.id }, "login ok");
  // ok: js-secret-in-log
  console.log("token length", user.accessToken.length);
  // ok: js-secret-in-log
  logger.warn("password reset requested");
}
