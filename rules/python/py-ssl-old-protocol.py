import ssl

from OpenSSL import SSL

# ruleid: py-ssl-old-protocol
legacy = ssl.SSLContext(ssl.PROTOCOL_TLSv1)
# ruleid: py-ssl-old-protocol
ctx = SSL.Context(SSL.SSLv3_METHOD)
# ok: py-ssl-old-protocol
modern = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
# ok: py-ssl-old-protocol
modern.minimum_version = ssl.TLSVersion.TLSv1_2
