import httpx
import requests


def fetch(url):
    # ruleid: py-tls-verify-disabled
    r = requests.get(url, verify=False)
    # ruleid: py-tls-verify-disabled
    client = httpx.Client(verify=False, timeout=5)
    # ok: py-tls-verify-disabled
    ok = requests.get(url, timeout=5)
    # ok: py-tls-verify-disabled
    ok2 = requests.post(url, verify="/etc/ssl/ca.pem")
    return r, client, ok, ok2
