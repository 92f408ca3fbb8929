const fs = require("fs");
const path = require("path");

function serve(name, res) {
  // ruleid: js-non-literal-fs-path
  const body = fs.readFileSync(path.join(__dirname, name), "utf8");
  // ruleid: js-non-literal-fs-path
  fs.createReadStream(`${process.env.DATA_DIR}/${name}`).pipe(res);
  // ok: js-non-literal-fs-path
  const index = fs.readFileSync("public/index.html", "utf8");
  // ok: js-non-literal-fs-path
  fs.readFileSync(req.query.file);
  return body + index;
}
