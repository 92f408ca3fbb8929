import codecs
import os

from flask import request, send_file, send_from_directory

BASE = "/srv/files"


def download():
    # ruleid: py-path-traversal-request
    return send_file(os.path.join(BASE, request.args["name"]))


def read():
    # ruleid: py-path-traversal-request
    with open(BASE + "/" + request.form.get("file")) as fh:
        data = fh.read()
    # ruleid: py-path-traversal-request
    other = codecs.open(f"{BASE}/{request.cookies.get('doc')}", "r", "utf-8")
    # ruleid: py-path-traversal-request
    os.remove(request.values["tmp"])
    # ok: py-path-traversal-request
    safe = send_from_directory(BASE, request.args["name"])
    # ok: py-path-traversal-request
    with open(os.path.join(BASE, "index.txt")) as fh2:
        data += fh2.read()
    return data, other, safe
