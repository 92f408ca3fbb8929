import jwt


def claims(token, key):
    # ruleid: py-jwt-no-verify
    a = jwt.decode(token, options={"verify_signature": False})
    # ruleid: py-jwt-no-verify
    b = jwt.decode(token, key, verify=False)
    # ruleid: py-jwt-no-verify
    c = jwt.decode(token, key, algorithms=["none"])
    # ok: py-jwt-no-verify
    d = jwt.decode(token, key, algorithms=["HS256"])
    return a, b, c, d
