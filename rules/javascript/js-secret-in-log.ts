import pino from "pino";

const log = pino();

export function connect(url: string, apiKey: string): void {
  // ruleid: js-secret-in-log
  log.info("connecting to " + url + " with key " + apiKey);
  // ok: js-secret-in-log
  log.info({ url }, "connecting");
}
