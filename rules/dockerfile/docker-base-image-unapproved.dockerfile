# ok: docker-base-image-unapproved
FROM python:3.12-slim AS build
# ok: docker-base-image-unapproved
FROM docker.io/library/node:22-alpine AS assets
# ok: docker-base-image-unapproved
FROM gcr.io/distroless/python3-debian12 AS runtime
# ok: docker-base-image-unapproved
FROM build AS test
# ok: docker-base-image-unapproved
FROM scratch AS empty
# ok: docker-base-image-unapproved
FROM ${BASE_IMAGE} AS configurable
# ruleid: docker-base-image-unapproved
FROM randomuser/python-with-tools:latest AS tools
# ruleid: docker-base-image-unapproved
FROM quay.io/someone/node:20
# ruleid: docker-base-image-unapproved
FROM centos:7
USER app
