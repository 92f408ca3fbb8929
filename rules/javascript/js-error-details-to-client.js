const express = require("express");
const app = express();

app.get("/orders/:id", async (req, res) => {
  try {
    res.json(await db.order(req.params.id));
  } catch (err) {
    // ruleid: js-error-details-to-client
    res.status(500).json({ error: err.message, stack: err.stack });
  }
});

app.use((err, req, res, next) => {
  // ruleid: js-error-details-to-client
  res.status(500).send(err);
});

app.use((error, req, res, next) => {
  logger.error({ error }, "unhandled");
  // ok: js-error-details-to-client
  res.status(500).json({ error: "Internal error", id: req.id });
});
