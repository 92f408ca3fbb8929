const fs = require("fs");
const path = require("path");

function download(req, res) {
  // ruleid: js-path-traversal-request
  res.sendFile(path.join(__dirname, "uploads", req.params.file));
  // ruleid: js-path-traversal-request
  fs.readFile(`./reports/${req.query.name}`, (err, data) => res.send(data));
  // ok: js-path-traversal-request
  res.sendFile(req.params.file, { root: path.join(__dirname, "uploads") });
  // ok: js-path-traversal-request
  fs.readFile("./reports/summary.txt", (err, data) => res.send(data));
}
