import marshal


def load_code(blob):
    # ruleid: py-marshal-load
    code = marshal.loads(blob)
    with open("cache.bin", "rb") as fh:
        # ruleid: py-marshal-load
        more = marshal.load(fh)
    # ok: py-marshal-load
    out = marshal.dumps(code)
    return code, more, out
