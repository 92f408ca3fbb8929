import * as libxml from "libxmljs2";

export function parse(xml: string): libxml.Document {
  // ruleid: js-xxe
  const a = libxml.parseXml(xml, { dtdload: true, noent: true });
  // ok: js-xxe
  const b = libxml.parseXml(xml, { noent: false });
  return a ?? b;
}
