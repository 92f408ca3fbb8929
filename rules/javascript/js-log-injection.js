function search(req, res, logger) {
  // ruleid: js-log-injection
  console.log("search for " + req.query.q);
  // ruleid: js-log-injection
  logger.info(`user ${req.body.username} failed to log in`);
  // ok: js-log-injection
  logger.info({ q: req.query.q }, "search");
  // ok: js-log-injection
  logger.info(`search for ${JSON.stringify(req.query.q)}`);
  res.end();
}
