import * as tls from "tls";

export function connect(host: string): tls.TLSSocket {
  const options: tls.ConnectionOptions = { host, port: 443 };
  // ruleid: js-tls-reject-unauthorized
  options.rejectUnauthorized = false;
  // ok: js-tls-reject-unauthorized
  options.servername = host;
  return tls.connect(options);
}
