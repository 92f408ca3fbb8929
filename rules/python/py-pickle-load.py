import base64
import json
import pickle
import shelve
from pickle import loads


def restore(request, path):
    blob = base64.b64decode(request.cookies["state"])
    # ruleid: py-pickle-load
    state = pickle.loads(blob)
    with open(path, "rb") as fh:
        # ruleid: py-pickle-load
        model = pickle.load(fh)
    # ruleid: py-pickle-load
    db = shelve.open(path)
    # ruleid: py-pickle-load
    other = loads(blob)
    # ok: py-pickle-load
    data = json.loads(blob)
    # ok: py-pickle-load
    raw = pickle.dumps(data)
    return state, model, db, other, raw
