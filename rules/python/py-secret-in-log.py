import logging

logger = logging.getLogger(__name__)


def login(request, user):
    password = request.form["password"]
    # ruleid: py-secret-in-log
    logger.info("login attempt for %s with %s", user.email, password)
    # ruleid: py-secret-in-log
    logging.debug(f"issued token {user.access_token} to {user.id}")
    # ruleid: py-secret-in-log
    logger.warning("auth header: " + request.headers["Authorization"])
    # ok: py-secret-in-log
    logger.info("login ok for %s", user.id)
    # ok: py-secret-in-log
    logger.info("password reset requested for %s", user.email)
    # ok: py-secret-in-log
    logger.info("token length %d", len(user.access_token))


def progress(params):
    # ok: py-secret-in-log
    logger.warning("unknown progress token %s", params.token)
