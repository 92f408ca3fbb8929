const { NodeSDK } = require("@opentelemetry/sdk-node");
const { AlwaysOffSampler, TraceIdRatioBasedSampler } = require("@opentelemetry/sdk-trace-base");
const Sentry = require("@sentry/node");

// ruleid: js-otel-disabled
process.env.OTEL_SDK_DISABLED = "true";
// ruleid: js-otel-disabled
process.env["OTEL_TRACES_SAMPLER"] = "always_off";
// ok: js-otel-disabled
process.env.OTEL_SERVICE_NAME = "checkout";

// ruleid: js-otel-disabled
const sdk = new NodeSDK({ sampler: new AlwaysOffSampler() });
// ruleid: js-otel-disabled
const ratio = new TraceIdRatioBasedSampler(0);
// ok: js-otel-disabled
const tenth = new TraceIdRatioBasedSampler(0.1);

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  // ruleid: js-otel-disabled
  sampleRate: 0,
  // ok: js-otel-disabled
  tracesSampleRate: 0.2,
});
module.exports = { sdk, ratio, tenth };
