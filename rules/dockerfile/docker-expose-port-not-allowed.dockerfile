FROM python:3.12-slim
# ruleid: docker-expose-port-not-allowed
EXPOSE 22
# ruleid: docker-expose-port-not-allowed
EXPOSE 8080 3389/tcp
# ok: docker-expose-port-not-allowed
EXPOSE 8080/tcp 443
# ok: docker-expose-port-not-allowed
EXPOSE $PORT
USER app
