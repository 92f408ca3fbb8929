const axios = require("axios");
const https = require("https");

async function preview(req, res) {
  // ruleid: js-ssrf
  const page = await axios.get(req.query.url);
  // ruleid: js-ssrf
  https.get(`https://${req.body.host}/status`, (r) => r.pipe(res));
  // ruleid: js-ssrf
  const r2 = await fetch(req.body.webhook, { method: "POST" });
  // ok: js-ssrf
  const fixed = await axios.get("https://api.example.com/status");
  // ok: js-ssrf
  const mapped = await fetch(`https://api.example.com/items/${encodeURIComponent(String(Number(page.data.id)))}`);
  res.json({ page: page.data, r2: r2.status, fixed: fixed.status, mapped: mapped.status });
}
