import type { Request } from "express";

export function audit(req: Request, logger: { warn(msg: string): void }): void {
  // ruleid: js-log-injection
  logger.warn(req.headers["user-agent"] as string);
  // ok: js-log-injection
  logger.warn("unexpected user agent");
}
