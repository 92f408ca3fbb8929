FROM python:3.12-slim
# ruleid: docker-chmod-world-writable
RUN chmod -R 777 /app
# ruleid: docker-chmod-world-writable
RUN mkdir /data && chmod o+w /data
# ok: docker-chmod-world-writable
RUN chmod 755 /app/entrypoint.sh
# ok: docker-chmod-world-writable
RUN chmod 0644 /etc/app.conf && chmod u+x /app/run
USER app
