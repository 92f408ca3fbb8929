import ssl
import urllib.request


def open_url(url):
    # ruleid: py-ssl-unverified-context
    ctx = ssl._create_unverified_context()
    ctx2 = ssl.create_default_context()
    # ruleid: py-ssl-unverified-context
    ctx2.check_hostname = False
    # ruleid: py-ssl-unverified-context
    ctx2.verify_mode = ssl.CERT_NONE
    # ok: py-ssl-unverified-context
    ctx3 = ssl.create_default_context()
    # ok: py-ssl-unverified-context
    ctx3.verify_mode = ssl.CERT_REQUIRED
    return urllib.request.urlopen(url, context=ctx3), ctx
