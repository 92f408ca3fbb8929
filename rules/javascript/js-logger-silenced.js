const winston = require("winston");
const pino = require("pino");

// ruleid: js-logger-silenced
const logger = winston.createLogger({ level: "info", silent: true, transports: [new winston.transports.Console()] });
// ruleid: js-logger-silenced
const fast = pino({ enabled: false });
// ruleid: js-logger-silenced
const quiet = pino({ level: "silent" });
// ok: js-logger-silenced
const ok = pino({ level: process.env.LOG_LEVEL || "info" });

function mute() {
  // ruleid: js-logger-silenced
  logger.level = "fatal";
  // ruleid: js-logger-silenced
  logger.transports[0].silent = true;
  // ok: js-logger-silenced
  logger.level = "warn";
}
module.exports = { logger, fast, quiet, ok, mute };
