import os
import subprocess

import sentry_sdk
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace import sampling

# ruleid: py-otel-disabled
os.environ["OTEL_SDK_DISABLED"] = "true"
# ruleid: py-otel-disabled
os.environ.setdefault("OTEL_TRACES_SAMPLER", "always_off")
# ok: py-otel-disabled
os.environ["OTEL_SERVICE_NAME"] = "billing"

# ruleid: py-otel-disabled
provider = TracerProvider(sampler=sampling.ALWAYS_OFF)
# ruleid: py-otel-disabled
ratio = sampling.TraceIdRatioBased(0)
# ok: py-otel-disabled
tenth = sampling.TraceIdRatioBased(0.1)

sentry_sdk.init(
    dsn=os.environ["SENTRY_DSN"],
    # ruleid: py-otel-disabled
    sample_rate=0,
    # ok: py-otel-disabled
    traces_sample_rate=0.2,
)

subprocess.run(
    ["worker"],
    # todoruleid: py-otel-disabled
    env={**os.environ, "OTEL_METRICS_EXPORTER": "none"},
    check=True,
)

subprocess.run(
    ["worker"],
    # ruleid: py-otel-disabled
    env={"PATH": os.environ["PATH"], "OTEL_LOGS_EXPORTER": "none"},
    check=True,
)
