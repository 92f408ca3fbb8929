import hashlib
import hmac


def verify_webhook(request, secret):
    expected = hmac.new(secret, request.body, hashlib.sha256).hexdigest()
    # ruleid: py-timing-unsafe-compare
    if request.headers["X-Signature"] != expected:
        return False
    # ruleid: py-timing-unsafe-compare
    if request.headers.get("X-Api-Key") == settings.API_KEY:
        return True
    # ok: py-timing-unsafe-compare
    if request.headers.get("X-Token") is None:
        return False
    # ok: py-timing-unsafe-compare
    if settings.API_KEY == "":
        return False
    # ok: py-timing-unsafe-compare
    if request.form.get("field") == "password":
        return False
    # ok: py-timing-unsafe-compare
    return hmac.compare_digest(request.headers["X-Signature"], expected)
