const express = require("express");
const cors = require("cors");

const app = express();
// ruleid: js-cors-wildcard-credentials
app.use(cors({ origin: true, credentials: true }));
// ruleid: js-cors-wildcard-credentials
app.use(cors({ credentials: true, origin: "*", maxAge: 600 }));
// ok: js-cors-wildcard-credentials
app.use(cors({ origin: ["https://app.example.com"], credentials: true }));
// ok: js-cors-wildcard-credentials
app.use(cors({ origin: "*" }));
