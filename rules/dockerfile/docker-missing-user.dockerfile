# ok: docker-missing-user
FROM python:3.12-slim AS build
RUN pip install --prefix=/install flask
# ruleid: docker-missing-user
FROM python:3.12-slim
COPY --from=build /install /usr/local
CMD ["flask", "run", "--host", "0.0.0.0"]
