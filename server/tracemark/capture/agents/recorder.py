"""Recording queued hook events: snapshots for before-events, ledger claims for after-events.

Runs in the drainer (or in the hook itself with ``--sync``), one spool entry at a time, in order.
An after-event is parsed with its tool's pydantic model into an :class:`AgentEvent`; for each
file, the before-text is the snapshot taken at the matching before-event (so what a person
changed between two agent steps is not attributed to the agent), the lines the step wrote are
found by :func:`attribute`, and they are recorded in the ledger as one exact AI claim with the
tool, model and session. The ledger merges it with what other writers stored (latest claim per
character), so lines recorded earlier and lines a person marked keep their origin.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tracemark.capture.agents.attribute import attribute
from tracemark.capture.agents.events import AgentEvent
from tracemark.capture.agents.spool import SNAPSHOTS
from tracemark.ledger import Ledger, writer_name
from tracemark.ledger.store import LEDGER_NAME
from tracemark.model import Confidence, Origin, OriginKind, Span
from tracemark.tracking.positions import TextIndex

#: Snapshots older than this belong to tool calls that never finished; they are removed.
SNAPSHOT_MAX_AGE = 24 * 3600


def parse_payload(hook: str, payload: Any) -> AgentEvent | None:
    """Validate ``payload`` with the hook's schema; the after-event, or ``None``."""
    module = importlib.import_module(f"tracemark.capture.agents.{hook}")
    if not isinstance(payload, dict):
        raise ValueError("the payload is not a JSON object")
    return module.parse(payload)


def one_line(err: Exception) -> str:
    """A validation error as one line: the first problem and where it is."""
    if isinstance(err, ValidationError):
        first = err.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "payload"
        more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
        return f"{where}: {first.get('msg', 'invalid')}{more}"
    return str(err).splitlines()[0] if str(err) else type(err).__name__


def spans_for_lines(text: str, lines: list[int], origin: Origin) -> list[Span]:
    """One span per run of consecutive lines, each from its line start through its break."""
    index = TextIndex(text)
    out: list[Span] = []
    run: list[int] = []
    for line in [*lines, -2]:
        if run and line != run[-1] + 1:
            start = index.starts[run[0]]
            end = index.line_end(run[-1], with_break=True)
            if end > start:
                out.append(Span(start=start, end=end, origin=origin))
            run = []
        if line >= 0:
            run.append(line)
    return out


class Recorder:
    def __init__(self, tracemark_dir: Path, log: Callable[[str], None] | None = None) -> None:
        self.dir = tracemark_dir
        self.log = log or (lambda message: None)
        self._ledger: Ledger | None = None

    # -- storage -----------------------------------------------------------------------------

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = Ledger(self.dir / LEDGER_NAME)
        return self._ledger

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None

    def _snapshot_path(self, hook: str, session: str, rel: str) -> Path:
        key = hashlib.sha256(f"{hook}\0{session}\0{rel}".encode()).hexdigest()[:40]
        return self.dir / SNAPSHOTS / f"{key}.json"

    def _save_snapshot(self, hook: str, session: str, rel: str, f: dict[str, Any]) -> None:
        path = self._snapshot_path(hook, session, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"rel": rel, "text": f.get("text"),
                                   "absent": bool(f.get("absent"))}), encoding="utf-8")
        os.replace(tmp, path)

    def _snapshot(self, hook: str, session: str, rel: str) -> str | None:
        path = self._snapshot_path(hook, session, rel)
        try:
            snap = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return "" if snap.get("absent") else snap.get("text")

    def _prune_snapshots(self, now: float) -> None:
        try:
            entries = list(os.scandir(self.dir / SNAPSHOTS))
        except FileNotFoundError:
            return
        for e in entries:
            try:
                if now - e.stat().st_mtime > SNAPSHOT_MAX_AGE:
                    os.unlink(e.path)
            except OSError:
                pass

    # -- events ------------------------------------------------------------------------------

    def process(self, entry: dict[str, Any]) -> bool:
        """Record one spool entry; ``False`` when a problem was logged."""
        hook, session = entry["hook"], entry.get("session") or ""
        try:
            event = parse_payload(hook, entry["payload"])
        except (ValidationError, ValueError) as err:
            self.log(f"{hook} payload does not match the hook's schema: {one_line(err)}; "
                     "nothing recorded")
            return False
        if entry["phase"] == "before":
            self._prune_snapshots(entry["time_ns"] / 1e9)
            for f in entry["files"]:
                self._save_snapshot(hook, session, f["rel"], f)
            return True
        if event is None:
            return True
        captured = {f["given"]: f for f in entry["files"]}
        when = datetime.fromisoformat(entry["time"])
        origin = Origin(kind=OriginKind.AI, tool=event.tool, model=event.model,
                        session=event.session, confidence=Confidence.EXACT, time=when,
                        source=event.source)
        ok = True
        for change in event.changes:
            f = captured.get(change.path)
            if f is None or "text" not in f:
                continue  # outside the repository, binary, missing: the hook logged it
            ok = self._record(hook, session, f["rel"], f["text"], change, origin) and ok
        return ok

    def _record(self, hook: str, session: str, rel: str, after: str, change: Any,
                origin: Origin) -> bool:
        """Record one file's change. A :class:`LedgerError` propagates: the drainer then keeps
        the event queued until the ledger is usable again (``tracemark ledger repair``)."""
        before = self._snapshot(hook, session, rel)
        stored = self.ledger.get(rel) if before is None else None
        if before is None and stored is not None and not change.edits:
            before = stored.text  # no snapshot: what the ledger saw last is the best we have
        found = attribute(after, change, before)
        if found is None:
            self._snapshot_path(hook, session, rel).unlink(missing_ok=True)
            self.log(f"{rel}: cannot tell which lines {origin.tool} wrote (no before-text and "
                     "its new text is not unique in the file; install the before-edit hook); "
                     "nothing recorded")
            return False
        spans = spans_for_lines(after, found.lines, origin)
        if spans or stored is not None or self.ledger.knows(rel):
            self.ledger.record(rel, after, spans, writer=writer_name(origin.source or "hook"))
        self._snapshot_path(hook, session, rel).unlink(missing_ok=True)
        return True
