export interface Options { securityLogging: boolean; port: number }

export const options: Options = {
  // ruleid: js-audit-log-muted
  securityLogging: false,
  // ok: js-audit-log-muted
  port: 8080,
};

export function pause(securityLog: { enabled: boolean }): void {
  // ruleid: js-audit-log-muted
  securityLog.enabled = false;
}
