from flask import make_response

# ruleid: py-insecure-cookie
SESSION_COOKIE_SECURE = False


def login(token):
    resp = make_response("ok")
    # ruleid: py-insecure-cookie
    resp.set_cookie("session", token, secure=False, httponly=True)
    # ruleid: py-insecure-cookie
    resp.set_cookie("prefs", "dark", httponly=False)
    # ok: py-insecure-cookie
    resp.set_cookie("session", token, secure=True, httponly=True, samesite="Lax")
    return resp


# ok: py-insecure-cookie
CSRF_COOKIE_SECURE = True
