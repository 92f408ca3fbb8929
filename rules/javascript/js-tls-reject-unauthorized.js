const https = require("https");
const axios = require("axios");

// ruleid: js-tls-reject-unauthorized
const agent = new https.Agent({ rejectUnauthorized: false });
const client = axios.create({
  httpsAgent: new https.Agent({
    keepAlive: true,
    // ruleid: js-tls-reject-unauthorized
    rejectUnauthorized: false,
  }),
});
// ruleid: js-tls-reject-unauthorized
request({ url: "https://api.example.com", strictSSL: false });
// ok: js-tls-reject-unauthorized
const strict = new https.Agent({ rejectUnauthorized: true, ca: process.env.CA_PEM });
module.exports = { agent, client, strict };
