import bunyan from "bunyan";

// ruleid: js-logger-silenced
export const log = bunyan.createLogger({ name: "api", level: "fatal" });
// ok: js-logger-silenced
export const info = bunyan.createLogger({ name: "api", level: "info" });
