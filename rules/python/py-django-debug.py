import os

# ruleid: py-django-debug
DEBUG = True
# ok: py-django-debug
TEMPLATE_DEBUG = os.environ.get("TEMPLATE_DEBUG") == "1"


def configure(settings):
    # ok: py-django-debug
    DEBUG = False
    return settings, DEBUG
