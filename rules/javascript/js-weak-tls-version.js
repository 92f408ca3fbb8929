const https = require("https");

const server = https.createServer({
  key: process.env.KEY,
  // ruleid: js-weak-tls-version
  secureProtocol: "TLSv1_method",
  // ok: js-weak-tls-version
  ciphers: "TLS_AES_256_GCM_SHA384",
});
// ruleid: js-weak-tls-version
const legacy = new https.Agent({ minVersion: "TLSv1" });
// ok: js-weak-tls-version
const modern = new https.Agent({ minVersion: "TLSv1.2" });
module.exports = { server, legacy, modern };
