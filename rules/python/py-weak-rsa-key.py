from Crypto.PublicKey import RSA
from cryptography.hazmat.primitives.asymmetric import rsa


def keys():
    # ruleid: py-weak-rsa-key
    a = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    # ruleid: py-weak-rsa-key
    b = RSA.generate(512)
    # ok: py-weak-rsa-key
    c = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    # ok: py-weak-rsa-key
    d = RSA.generate(2048)
    return a, b, c, d
