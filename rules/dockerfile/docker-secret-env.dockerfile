FROM python:3.12-slim
# ruleid: docker-secret-env
ENV API_KEY=sk-live-51HZx2example
# ruleid: docker-secret-env
ENV LOG_LEVEL=info DB_PASSWORD="hunter2"
# ruleid: docker-secret-env
ENV GITHUB_TOKEN ghp_examplexample
# ok: docker-secret-env
ENV DB_PASSWORD=$DB_PASSWORD
# ok: docker-secret-env
ENV TOKEN_FILE_PATH_DIR="" LOG_LEVEL=info
# ok: docker-secret-env
ENV PYTHONUNBUFFERED=1
USER app
