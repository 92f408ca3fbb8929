FROM python:3.12-slim
# ruleid: docker-tls-verification-disabled
RUN curl -skL https://example.com/tool -o /usr/local/bin/tool
# ruleid: docker-tls-verification-disabled
RUN wget --no-check-certificate https://example.com/tool.tgz
# ruleid: docker-tls-verification-disabled
RUN pip install --trusted-host pypi.example.com -r requirements.txt
# ok: docker-tls-verification-disabled
RUN curl -fsSL https://example.com/tool -o /usr/local/bin/tool
# ok: docker-tls-verification-disabled
RUN pip install --no-cache-dir -r requirements.txt
USER app
