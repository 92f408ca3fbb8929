# ruleid: docker-latest-tag
FROM node:latest AS assets
# ok: docker-latest-tag
FROM python:3.12-slim
# ok: docker-latest-tag
FROM python:latest-but-not-really
USER app
