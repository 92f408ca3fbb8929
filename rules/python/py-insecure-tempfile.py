import tempfile
from tempfile import mktemp


def scratch():
    # ruleid: py-insecure-tempfile
    name = tempfile.mktemp(suffix=".txt")
    # ruleid: py-insecure-tempfile
    other = mktemp()
    # ok: py-insecure-tempfile
    fd, path = tempfile.mkstemp(suffix=".txt")
    # ok: py-insecure-tempfile
    with tempfile.NamedTemporaryFile() as fh:
        fh.write(b"x")
    return name, other, fd, path
