import * as tls from "node:tls";

// ruleid: js-weak-tls-version
export const ctx = tls.createSecureContext({ minVersion: "TLSv1.1" });
// ok: js-weak-tls-version
export const good = tls.createSecureContext({ minVersion: "TLSv1.3" });
