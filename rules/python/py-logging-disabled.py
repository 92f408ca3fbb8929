import logging

# ruleid: py-logging-disabled
logging.disable(logging.CRITICAL)
# ruleid: py-logging-disabled
logging.disable()
# ok: py-logging-disabled
logging.disable(logging.NOTSET)


def configure(production):
    if production:
        # ruleid: py-logging-disabled
        logging.getLogger().setLevel(logging.CRITICAL)
        # ruleid: py-logging-disabled
        logging.basicConfig(level=logging.CRITICAL + 1)
        # ruleid: py-logging-disabled
        logging.root.disabled = True
    # ok: py-logging-disabled
    logging.getLogger().setLevel(logging.WARNING)
    # ok: py-logging-disabled
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    # ok: py-logging-disabled
    logging.basicConfig(level="INFO")
