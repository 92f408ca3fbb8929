export function devSetup(env: NodeJS.ProcessEnv): void {
  // ruleid: js-node-tls-reject-env
  env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  // ok: js-node-tls-reject-env
  env.NODE_EXTRA_CA_CERTS = "/etc/ssl/dev-ca.pem";
}
