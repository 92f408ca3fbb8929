import urllib.request

import requests
from flask import request


def preview():
    # ruleid: py-ssrf-request
    page = requests.get(request.args["url"], timeout=5)
    # ruleid: py-ssrf-request
    raw = urllib.request.urlopen(request.form.get("feed")).read()
    # ok: py-ssrf-request
    fixed = requests.get("https://api.example.com/status", timeout=5)
    # ok: py-ssrf-request
    name = request.args.get("name")
    return page.text, raw, fixed, name
