# ok: docker-missing-user
FROM python:3.12-slim
RUN useradd --system app
USER app
COPY app.py /srv/app.py
CMD ["python", "/srv/app.py"]
