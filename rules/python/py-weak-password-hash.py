import hashlib
import os


def store(user, password):
    # ruleid: py-weak-password-hash
    user.pw_hash = hashlib.sha256(password.encode()).hexdigest()
    # ruleid: py-weak-password-hash
    legacy = hashlib.md5(user.salt + user.new_password.encode()).hexdigest()
    # ruleid: py-weak-password-hash
    other = hashlib.new("sha512", password.encode()).hexdigest()
    # ok: py-weak-password-hash
    salt = os.urandom(16)
    # ok: py-weak-password-hash
    user.pw_hash = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)
    # ok: py-weak-password-hash
    checksum = hashlib.sha256(user.avatar_bytes).hexdigest()
    return legacy, other, checksum
