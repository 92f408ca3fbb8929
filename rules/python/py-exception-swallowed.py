import contextlib
import json
from contextlib import suppress


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except:
        # ruleid: py-exception-swallowed
        pass
    try:
        return json.loads(path)
    except Exception as exc:
        # ruleid: py-exception-swallowed
        ...
    for line in open(path):
        try:
            yield json.loads(line)
        except BaseException:
            # ruleid: py-exception-swallowed
            continue
    try:
        return json.loads(path)
    except ValueError:
        # ok: py-exception-swallowed
        pass
    try:
        return json.loads(path)
    except Exception:
        # ok: py-exception-swallowed
        log.exception("could not parse %s", path)


def cleanup(path):
    # ruleid: py-exception-swallowed
    with contextlib.suppress(Exception):
        path.unlink()
    # ruleid: py-exception-swallowed
    with suppress(BaseException):
        path.rmdir()
    # ok: py-exception-swallowed
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
