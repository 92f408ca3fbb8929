const fs = require("fs");
const path = require("path");

function serve(req, res) {
  // ruleid: js-non-literal-fs-path
  const body = fs.readFileSync(path.join(__dirname, req.params.name), "utf8");
  // ruleid: js-non-literal-fs-path
  fs.createReadStream(req.query.file).pipe(res);
  // ok: js-non-literal-fs-path
  const index = fs.readFileSync("public/index.html", "utf8");
  return body + index;
}
