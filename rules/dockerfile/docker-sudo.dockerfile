FROM ubuntu:24.04
# ruleid: docker-sudo
RUN sudo apt-get install -y curl
# ruleid: docker-sudo
RUN apt-get update && sudo chmod 644 /etc/app.conf
# ok: docker-sudo
RUN apt-get update && apt-get install -y --no-install-recommends curl
# ok: docker-sudo
RUN echo "pseudo-code" > /tmp/notes
USER app
