FROM python:3.12-slim AS build
# ok: docker-user-root-last
USER root
RUN apt-get update && apt-get install -y --no-install-recommends gcc
USER app
FROM alpine:3.20
# ok: docker-user-root-last
USER 0:0
RUN apk add --no-cache ca-certificates
USER nobody
FROM alpine:3.20
# ok: docker-user-root-last
USER root
RUN chown -R app /srv
# ruleid: docker-user-root-last
USER root
CMD ["/srv/run"]
