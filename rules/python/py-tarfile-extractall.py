import tarfile
import zipfile


def unpack(path, dest):
    with tarfile.open(path) as tar:
        # ruleid: py-tarfile-extractall
        tar.extractall(dest)
    # ruleid: py-tarfile-extractall
    tarfile.open(path).extractall(path=dest)
    with tarfile.open(path) as tar:
        # ok: py-tarfile-extractall
        tar.extractall(dest, filter="data")
    with zipfile.ZipFile(path) as zf:
        # ok: py-tarfile-extractall
        zf.extractall(dest)
