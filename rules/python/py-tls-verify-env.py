import os

# ruleid: py-tls-verify-env
os.environ["PYTHONHTTPSVERIFY"] = "0"
# ruleid: py-tls-verify-env
os.environ["REQUESTS_CA_BUNDLE"] = ""
# ruleid: py-tls-verify-env
os.environ.setdefault("CURL_CA_BUNDLE", "")
# ok: py-tls-verify-env
os.environ["REQUESTS_CA_BUNDLE"] = "/etc/ssl/certs/corp-ca.pem"
# ok: py-tls-verify-env
os.environ["PYTHONHTTPSVERIFY"] = "1"
