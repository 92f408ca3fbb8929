const express = require("express");
const app = express();

app.get("/hello", (req, res) => {
  // ruleid: js-reflected-xss
  res.send("<h1>Hello " + req.query.name + "</h1>");
});

app.get("/echo", (req, res) => {
  // ruleid: js-reflected-xss
  res.status(400).send(`Unknown item: ${req.params.id}`);
  // ok: js-reflected-xss
  res.json({ item: req.params.id });
  // ok: js-reflected-xss
  res.send(escapeHtml(req.query.name));
  // ok: js-reflected-xss
  res.send("<h1>Hello</h1>");
});
