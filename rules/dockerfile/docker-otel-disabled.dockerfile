FROM python:3.12-slim
# ruleid: docker-otel-disabled
ENV OTEL_SDK_DISABLED=true
# ok: docker-otel-disabled
ENV OTEL_SERVICE_NAME=api PYTHONUNBUFFERED=1
# ruleid: docker-otel-disabled
ENV OTEL_TRACES_SAMPLER always_off
# ok: docker-otel-disabled
ENV OTEL_TRACES_SAMPLER=parentbased_traceidratio
CMD ["python", "-m", "app"]
