import re

# ruleid: py-redos
EMAIL = re.compile(r"^([a-zA-Z0-9_.+-]+\s?)*@example\.com$")


def check(s):
    # ruleid: py-redos
    if re.match(r"(a+)+$", s):
        return True
    # ok: py-redos
    return re.fullmatch(r"[a-z]+(-[a-z]+)?", s) is not None


# ok: py-redos
WORD = re.compile(r"\w+")
# ok: py-redos
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# ruleid: py-redos
CSV = re.compile(r"^((\"[^\"]*\")*,?)*$")
