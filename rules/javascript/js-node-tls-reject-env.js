// ruleid: js-node-tls-reject-env
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

function insecureFetch(url) {
  // ruleid: js-node-tls-reject-env
  process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = 0;
  return fetch(url);
}
// ok: js-node-tls-reject-env
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "1";
module.exports = { insecureFetch };
