import hashlib
from hashlib import md5

from Crypto.Hash import MD5
from cryptography.hazmat.primitives import hashes


def digests(password: bytes, data: bytes):
    # ruleid: py-weak-hash
    a = hashlib.md5(password).hexdigest()
    # ruleid: py-weak-hash
    b = hashlib.sha1()
    # ruleid: py-weak-hash
    c = hashlib.new("md5", data)
    # ruleid: py-weak-hash
    d = md5(data)
    # ruleid: py-weak-hash
    e = MD5.new(data)
    # ruleid: py-weak-hash
    f = hashes.Hash(hashes.SHA1())
    # ok: py-weak-hash
    g = hashlib.sha256(data)
    # ok: py-weak-hash
    h = hashlib.md5(data, usedforsecurity=False)
    # ok: py-weak-hash
    i = hashlib.new("sha384", data)
    return a, b, c, d, e, f, g, h, i
