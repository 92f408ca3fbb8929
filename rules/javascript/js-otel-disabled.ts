import { spawn } from "node:child_process";

export function runWorker(script: string): void {
  spawn(process.execPath, [script], {
    env: {
      ...process.env,
      // ruleid: js-otel-disabled
      OTEL_METRICS_EXPORTER: "none",
      // ok: js-otel-disabled
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
    },
  });
}
