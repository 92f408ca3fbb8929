const serialize = require("node-serialize");
const yaml = require("js-yaml");

function restore(req) {
  // ruleid: js-unsafe-deserialization
  const session = serialize.unserialize(req.cookies.session);
  // ruleid: js-unsafe-deserialization
  const config = yaml.load(req.body.config, { schema: yaml.DEFAULT_FULL_SCHEMA });
  // ok: js-unsafe-deserialization
  const data = JSON.parse(req.body.data);
  // ok: js-unsafe-deserialization
  const safe = yaml.load(req.body.config);
  // ok: js-unsafe-deserialization
  const plain = serialize.serialize({ a: 1 });
  return [session, config, data, safe, plain];
}
