"""The deep tier in the editor: semgrep on open and on save, as the stored source ``semgrep``.

- **when**: after ``didOpen`` and ``didSave``, debounced (a burst of saves is one run), never
  on a keystroke; under scope ``ai`` a document with no AI text is not scanned until some
  arrives (a mark, a restored record, a tagged insertion), then once;
- **what**: a temporary copy of the buffer with the document's name and suffix
  (:class:`~tracemark.rules.semgrep.BufferScan`), the project's rule pack (same rule ids as the
  fast tier) plus the user's own semgrep configs (setting ``semgrep.configs``: files or
  folders, relative to the workspace folder), with the runner's fixed argument list
  (``--experimental`` with a classic fallback, ``--metrics=off``, ``--disable-version-check``,
  ``SEMGREP_ENABLE_VERSION_CHECK=0``, a timeout: setting ``semgrep.timeout``);
- **how**: off the event loop (a worker thread waits for the process); at most one run per
  document: a newer trigger cancels the running one (its process group is killed); at most
  :data:`PARALLEL` runs at once for the whole server;
- **results**: stored per document as source ``semgrep`` by the diagnostics feature, converted
  from semgrep's UTF-8 byte offsets to code points on the text that was scanned, carried forward
  through later edits and merged with the fast results (a fast pass never wipes them), limited
  to AI lines unless ``tracemark.scope`` is ``all``;
- **failures**: semgrep missing, a broken config, a crash or a timeout are told once
  (``window/showMessage``) and logged; the fast tier keeps working.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from tracemark.lsp.config import Settings
from tracemark.lsp.diagnostics import locate
from tracemark.lsp.documents import OpenDocument, uri_to_path
from tracemark.lsp.rules_fast import engine_for
from tracemark.lsp.server import TracemarkServer
from tracemark.rules import languages as langs
from tracemark.rules.semgrep import BufferScan, SemgrepResult
from tracemark.tracking import TextIndex

if TYPE_CHECKING:
    from tracemark.lsp.diagnostics import Diagnostics

log = logging.getLogger("tracemark.lsp.semgrep")

SOURCE = "semgrep"
#: Seconds between a trigger and the run (later triggers in that window restart the wait).
OPEN_DELAY = 0.4
SAVE_DELAY = 0.25
#: semgrep processes running at once for the whole server (the machine has other work).
PARALLEL = 1


@dataclass
class _DocRun:
    timer: asyncio.TimerHandle | None = None
    task: asyncio.Task[None] | None = None
    scan: BufferScan | None = None
    #: A run was skipped because nothing in the document was AI (scope ``ai``): run as soon
    #: as something is.
    waiting_for_ai: bool = False


class SemgrepTier:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server
        diagnostics: Diagnostics = server.features["diagnostics"]
        self.diagnostics = diagnostics
        self._slots: asyncio.Semaphore | None = None
        #: Runs finished, cancelled and failed (for the log and the benchmarks).
        self.counts = {"runs": 0, "cancelled": 0, "failed": 0}
        ev = server.events
        ev.opened.append(lambda od: self.schedule(od, OPEN_DELAY))
        ev.saved.append(lambda od: self.schedule(od, SAVE_DELAY))
        ev.closed.append(self.on_closed)
        ev.settings.append(self.on_settings)
        ev.claims.append(self.on_spans)
        ev.changed.append(lambda od, _edits: self.on_spans(od))

    # -- what to scan -----------------------------------------------------------------------

    def _name(self, od: OpenDocument) -> str | None:
        """The file name the temporary copy gets (its suffix selects semgrep's language)."""
        spec = langs.for_language_id(od.language_id)
        if od.path is not None:
            known = spec is not None or langs.for_path(od.path) is not None
            return str(od.path) if known or self.server.settings.semgrep.configs else None
        if spec is None or spec.semgrep is None:
            return None
        tail = od.uri.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        if langs.for_path(tail) is spec:
            return tail
        ext = spec.extensions[0] if spec.extensions else spec.fixture_ext
        return f"untitled{ext}"

    def _configs(self) -> list[str]:
        """The user's semgrep configs, relative ones resolved against the workspace folder."""
        root = uri_to_path(self.server.root) if self.server.root else None
        out = []
        for c in self.server.settings.semgrep.configs:
            p = Path(os.path.expanduser(c))
            if not p.is_absolute() and root is not None:
                p = root / p
            out.append(str(p))
        return out

    # -- scheduling -------------------------------------------------------------------------

    def _state(self, od: OpenDocument) -> _DocRun:
        st = od.state.get(SOURCE)
        if st is None:
            st = od.state[SOURCE] = _DocRun()
        return st

    def schedule(self, od: OpenDocument, delay: float) -> None:
        """Run semgrep on ``od`` after ``delay`` seconds of quiet."""
        if not self.server.settings.semgrep.enabled or od.closed or self._name(od) is None:
            return
        st = self._state(od)
        if st.timer is not None:
            st.timer.cancel()
        st.timer = asyncio.get_running_loop().call_later(delay, self._start, od)

    def on_spans(self, od: OpenDocument) -> None:
        """AI text appeared in a document skipped for having none: scan it now (once)."""
        st = od.state.get(SOURCE)
        if st is not None and st.waiting_for_ai and od.has_ai():
            st.waiting_for_ai = False
            self.schedule(od, SAVE_DELAY)

    def _start(self, od: OpenDocument) -> None:
        st = self._state(od)
        st.timer = None
        if od.closed:
            return
        if self.server.settings.scope == "ai" and not od.has_ai():
            # Nothing would be shown: no process for it (opening many files stays cheap).
            st.waiting_for_ai = True
            return
        st.waiting_for_ai = False
        self._cancel_run(st, "a newer run started")
        st.task = self.server.spawn(self._run(od, st), f"semgrep on {od.uri}")

    def _cancel_run(self, st: _DocRun, why: str) -> None:
        if st.task is not None and not st.task.done():
            if st.scan is not None:
                st.scan.cancel()
            st.task.cancel(why)
            self.counts["cancelled"] += 1
            self.server.log_client(f"semgrep run cancelled: {why}", types.MessageType.Log)
        st.task = None
        st.scan = None

    def on_closed(self, od: OpenDocument) -> None:
        st = od.state.get(SOURCE)
        if st is None:
            return
        if st.timer is not None:
            st.timer.cancel()
        self._cancel_run(st, "the document was closed")

    def on_settings(self, old: Settings, new: Settings) -> None:
        if old.semgrep == new.semgrep:
            return
        for od in self.server.documents:
            st = od.state.get(SOURCE)
            if st is not None:
                self._cancel_run(st, "the semgrep settings changed")
            if new.semgrep.enabled:
                self.schedule(od, SAVE_DELAY)
            else:
                self.diagnostics.clear_results(od, SOURCE)

    # -- running ----------------------------------------------------------------------------

    async def _run(self, od: OpenDocument, st: _DocRun) -> None:
        name = self._name(od)
        if name is None:
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(PARALLEL)
        async with self._slots:
            if od.closed:
                return
            settings = self.server.settings.semgrep
            root = uri_to_path(self.server.root) if self.server.root else None
            # The first call loads the rule files: not on the event loop.
            engine = await asyncio.get_running_loop().run_in_executor(
                None, engine_for, root, self.server.settings.policy)
            # The snapshot the findings will be about.
            seq, index, version = od.seq, od.doc.index, od.version
            rules, ignore_paths = _rules_for(engine, name, index.text)
            scan = BufferScan(index.text, name, rules=rules,
                              parameters=engine.parameters_for(name), configs=self._configs(),
                              timeout=settings.timeout, ignore_paths=ignore_paths)
            st.scan = scan
            self.server.log_client(f"semgrep started on {od.uri} (version {version})",
                                   types.MessageType.Log)
            started = time.monotonic()
            result = await scan.run_async()
        st.scan = None
        # The project policy and the rules' paths and dialects, with the document's real path.
        result.findings = engine.finalize(result.findings, name, index.text)
        self._report(od, seq, index, version, result, time.monotonic() - started)

    def _report(self, od: OpenDocument, seq: int, index: TextIndex, version: int | None,
                result: SemgrepResult, elapsed: float) -> None:
        if result.cancelled or od.closed:
            return
        if result.reason is not None:
            self.counts["failed"] += 1
            missing = "not installed" in result.reason
            self.server.log_client(f"semgrep on {od.uri}: {result.reason}",
                                   types.MessageType.Warning)
            self.server.tell_once(
                "semgrep:missing" if missing else "semgrep:failed",
                f"the semgrep tier is {'off' if missing else 'not working'}: {result.reason}. "
                "The fast rules keep checking as you type.")
            return
        self.counts["runs"] += 1
        for w in result.warnings[:5]:
            self.server.log_client(f"semgrep: {w}", types.MessageType.Log)
        located = [locate(index, f) for f in result.findings]
        self.server.log_client(
            f"semgrep: {len(located)} finding(s) in {od.uri} (version {version}) "
            f"in {elapsed:.2f} s", types.MessageType.Log)
        self.diagnostics.set_results(od, SOURCE, seq, located)


def _rules_for(engine, name: str, text: str):
    """The pack rules that apply to this document, and whether to drop their ``paths``.

    The buffer copy lives in a temporary folder, not in ``.github/workflows``: rule paths and
    dialects are decided here with the document's real path (and content), and the rules that
    apply run without their path limits.
    """
    from tracemark.rules.loader import RuleSet

    spec = langs.for_path(name)
    if spec is None:
        return engine.rules, False
    keep = [r for r in engine.rules
            if spec.name in r.languages and r.applies_to(name, text)]
    return RuleSet(keep), True


def register(server: TracemarkServer) -> SemgrepTier:
    return SemgrepTier(server)
