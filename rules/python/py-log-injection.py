import logging

from flask import request

log = logging.getLogger("app")


def search():
    # ruleid: py-log-injection
    log.info(f"search for {request.args.get('q')}")
    # ruleid: py-log-injection
    log.warning("bad login for %s", request.form["username"])
    # ok: py-log-injection
    log.info("search for %r", repr(request.args.get("q")))
    # ok: py-log-injection
    log.info("search", extra={"q": request.args.get("q")})
    return "ok"
