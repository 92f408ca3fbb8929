const winston = require("winston");

// ruleid: js-audit-log-muted
const auditLogger = winston.createLogger({ silent: true, transports: [new winston.transports.File({ filename: "audit.log" })] });
// ok: js-audit-log-muted
const audit = winston.createLogger({ level: "info", transports: [new winston.transports.File({ filename: "audit.log" })] });

function configure(app) {
  // ruleid: js-audit-log-muted
  auditLogger.level = "off";
  // ruleid: js-audit-log-muted
  app.set("options", { auditLog: false, cache: true });
  // ok: js-audit-log-muted
  app.set("options", { auditLog: true });
  // ok: js-audit-log-muted
  auditLogger.level = "info";
}
// ok: js-audit-log-muted
const reifyOptions = { audit: false, fund: false };
module.exports = { auditLogger, audit, configure, reifyOptions };
