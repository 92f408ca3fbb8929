import socket
import ssl


def connect(host):
    sock = socket.create_connection((host, 443))
    # ruleid: py-ssl-wrap-socket
    tls = ssl.wrap_socket(sock)
    # ok: py-ssl-wrap-socket
    good = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
    return tls, good
