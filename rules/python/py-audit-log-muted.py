import logging

audit_log = logging.getLogger("app.audit")
# ruleid: py-audit-log-muted
AUDIT_LOG_ENABLED = False
# ok: py-audit-log-muted
DEBUG_TOOLBAR_ENABLED = False


def quiet_mode():
    # ruleid: py-audit-log-muted
    audit_log.disabled = True
    # ruleid: py-audit-log-muted
    logging.getLogger("security").setLevel(logging.CRITICAL)
    # ruleid: py-audit-log-muted
    audit_log.handlers.clear()
    # ok: py-audit-log-muted
    audit_log.setLevel(logging.INFO)
    # ok: py-audit-log-muted
    logging.getLogger("urllib3").disabled = True
# ok: py-audit-log-muted
AUDIT = False
