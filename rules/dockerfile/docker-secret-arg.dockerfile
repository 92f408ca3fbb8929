# ruleid: docker-secret-arg
ARG NPM_TOKEN
FROM node:22-alpine
# ruleid: docker-secret-arg
ARG DB_PASSWORD=changeme
# ok: docker-secret-arg
ARG NODE_ENV=production
# ok: docker-secret-arg
ARG VERSION
RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
USER node
