# ruleid: docker-untagged-image
FROM ubuntu AS build
# ok: docker-untagged-image
FROM build AS test
# ok: docker-untagged-image
FROM python:3.12-slim AS runtime
# ok: docker-untagged-image
FROM python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS pinned
# ok: docker-untagged-image
FROM scratch AS empty
# ok: docker-untagged-image
FROM $BASE AS configurable
# ruleid: docker-untagged-image
FROM docker.io/library/node
USER node
