"""The spool: hook events queued on disk, recorded into the ledger in order by one drainer.

Layout, in ``<git common dir>/tracemark/``::

    agent-spool/<time_ns>-<pid>.json   one queued hook event (payload and captured file text)
    agent-spool/.lock                  held (flock) by the one drainer at work
    agent-spool/failed/                entries that could not be recorded, kept for inspection
    agent-snapshots/<key>.json         a file's text before an agent step, until its after-event

Why a queue: the hook must return in milliseconds (see :mod:`.front`), recording takes a few
hundred. Why one drainer, in order: every ledger write stores the file's text with its spans;
writing an older event after a newer one would move the stored text backwards. Entries are
written atomically (temporary file, then rename) and removed only after they are recorded, so a
drainer killed mid-way loses nothing: the next one starts where it stopped.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

SPOOL = "agent-spool"
SNAPSHOTS = "agent-snapshots"

try:  # POSIX; elsewhere the hook records synchronously instead of spawning a drainer
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def spool_dir(tracemark_dir: Path) -> Path:
    return tracemark_dir / SPOOL


def enqueue(tracemark_dir: Path, entry: dict[str, Any]) -> Path:
    """Write ``entry`` atomically into the spool; its name orders it."""
    d = spool_dir(tracemark_dir)
    d.mkdir(parents=True, exist_ok=True)
    name = f"{entry['time_ns']:020d}-{os.getpid()}"
    tmp = d / f".{name}.tmp"
    tmp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    final = d / f"{name}.json"
    os.replace(tmp, final)
    return final


def pending(tracemark_dir: Path) -> list[Path]:
    d = spool_dir(tracemark_dir)
    try:
        return sorted(p for p in d.iterdir() if p.suffix == ".json" and p.name[0] != ".")
    except FileNotFoundError:
        return []


def spawn_drainer(tracemark_dir: Path) -> bool:
    """Start a detached drainer; ``False`` when that is not possible here (drain inline)."""
    if fcntl is None:
        return False
    env = {**os.environ, "PYDANTIC_DISABLE_PLUGINS": "__all__"}
    try:
        subprocess.Popen(
            [sys.executable, "-m", "tracemark.capture.agents.spool", str(tracemark_dir)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True, env=env,
        )
    except OSError:
        return False
    return True


@contextlib.contextmanager
def _locked(tracemark_dir: Path, wait: bool) -> Iterator[bool]:
    d = spool_dir(tracemark_dir)
    d.mkdir(parents=True, exist_ok=True)
    with (d / ".lock").open("a") as fh:
        if fcntl is None:  # pragma: no cover - Windows: one process at a time is all we have
            yield True
            return
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def drain(tracemark_dir: Path, *, log: Callable[[str], None] | None = None,
          wait: bool = False) -> bool:
    """Record every queued entry, oldest first; ``False`` when one of them logged a problem.

    Without ``wait``, returns at once when another drainer holds the lock (it will record
    what is queued). After releasing the lock, looks once more: an entry queued while this one
    was finishing is not left behind.
    """
    ok = True
    while True:
        with _locked(tracemark_dir, wait) as mine:
            if not mine:
                return ok
            # Imported only by the one drainer at work: the others exit before paying for it.
            from tracemark.capture.agents.recorder import Recorder
            from tracemark.ledger import LedgerError

            recorder = Recorder(tracemark_dir, log=log)
            try:
                while entries := pending(tracemark_dir):
                    for path in entries:
                        ok = _drain_one(recorder, path) and ok
            except LedgerError as err:
                # Keep this event and the ones after it queued, in order: the next drainer
                # retries once the ledger is usable again (`tracemark ledger repair`).
                recorder.log(f"{err}; {len(pending(tracemark_dir))} event(s) stay queued")
                return False
            finally:
                recorder.close()
        if not pending(tracemark_dir):
            return ok


def _drain_one(recorder: Any, path: Path) -> bool:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        recorder.log(f"spool entry {path.name} is unreadable ({err}); kept in {SPOOL}/failed")
        _set_aside(path)
        return False
    from tracemark.ledger import LedgerError

    try:
        ok = recorder.process(entry)
    except LedgerError:
        raise  # the ledger, not the event, is the problem: the caller stops and keeps it
    except Exception as err:  # a bug must not wedge the queue: keep the entry, log, go on
        recorder.log(f"could not record {path.name} ({type(err).__name__}: {err}); "
                     f"kept in {SPOOL}/failed")
        _set_aside(path)
        return False
    path.unlink(missing_ok=True)
    return ok


def _set_aside(path: Path) -> None:
    failed = path.parent / "failed"
    failed.mkdir(exist_ok=True)
    with contextlib.suppress(OSError):
        os.replace(path, failed / path.name)


def main(argv: list[str]) -> int:
    """The detached drainer: ``python -m tracemark.capture.agents.spool TRACEMARK_DIR``."""
    from tracemark.capture.agents.front import LOG_NAME, HookLog

    tracemark_dir = Path(argv[0])
    log = HookLog("drainer", quiet=True)
    log.file = tracemark_dir / LOG_NAME
    drain(tracemark_dir, log=log)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
