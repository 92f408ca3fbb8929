import random
import secrets
import string
from random import randint


def make_token(n=32):
    # ruleid: py-insecure-random
    token = "".join(random.choice(string.ascii_letters) for _ in range(n))
    # ruleid: py-insecure-random
    session_id = str(random.getrandbits(64))
    # ruleid: py-insecure-random
    pin = randint(0, 9999)
    # ok: py-insecure-random
    safe = secrets.token_urlsafe(n)
    # ok: py-insecure-random
    also_safe = random.SystemRandom().randint(0, 9999)
    return token, session_id, pin, safe, also_safe
