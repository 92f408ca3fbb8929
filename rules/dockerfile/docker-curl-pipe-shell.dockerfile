FROM ubuntu:24.04
# ruleid: docker-curl-pipe-shell
RUN curl -fsSL https://get.example.com/install.sh | sh
# ruleid: docker-curl-pipe-shell
RUN apt-get update && \
    wget -qO- https://deb.example.com/setup | sudo bash -
# ruleid: docker-curl-pipe-shell
RUN curl -sSL https://example.com/x | /bin/bash
# ok: docker-curl-pipe-shell
RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \
    && echo "4f1d...  /tmp/install.sh" | sha256sum -c - && sh /tmp/install.sh
# ok: docker-curl-pipe-shell
RUN curl -fsSL https://example.com/data.json | jq .version
USER app
