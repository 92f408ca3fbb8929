const libxmljs = require("libxmljs");

function importFeed(req) {
  // ruleid: js-xxe
  const doc = libxmljs.parseXmlString(req.body.xml, { noent: true, noblanks: true });
  // ok: js-xxe
  const safe = libxmljs.parseXmlString(req.body.xml, { noblanks: true });
  return [doc, safe];
}
