import json

import jsonpickle


def handle(body):
    # ruleid: py-jsonpickle-decode
    obj = jsonpickle.decode(body)
    # ok: py-jsonpickle-decode
    data = json.loads(body)
    # ok: py-jsonpickle-decode
    text = jsonpickle.encode(data)
    return obj, text
