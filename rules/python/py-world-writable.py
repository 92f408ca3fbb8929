import os


def setup(path):
    # ruleid: py-world-writable
    os.chmod(path, 0o777)
    # ruleid: py-world-writable
    os.makedirs("/srv/uploads", mode=0o766, exist_ok=True)
    # ruleid: py-world-writable
    os.umask(0)
    # ok: py-world-writable
    os.chmod(path, 0o640)
    # ok: py-world-writable
    os.umask(0o077)
