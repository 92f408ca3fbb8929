import os
import pathlib


def dump(data):
    # ruleid: py-hardcoded-tmp-path
    with open("/tmp/report.csv", "w") as fh:
        fh.write(data)
    # ruleid: py-hardcoded-tmp-path
    os.makedirs("/var/tmp/app-cache", exist_ok=True)
    # ruleid: py-hardcoded-tmp-path
    p = pathlib.Path("/tmp/app.lock")
    # ok: py-hardcoded-tmp-path
    with open("reports/report.csv", "w") as fh:
        fh.write(data)
    return p
