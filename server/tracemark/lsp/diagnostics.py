"""Diagnostics plumbing: findings per source, merged on publish with the document version.

Two kinds of sources (esbonio's habit: one store per source, so a fast pass never wipes the
deep one):

- **live** sources (``fast``: the tree-sitter rules) are computed when diagnostics are wanted,
  on the current text;
- **stored** sources (``semgrep``) deliver results later, computed on a snapshot; they are
  kept as code-point ranges and carried forward through the edits made since.

Delivery: pull (``textDocument/diagnostic``) when the client supports pull diagnostics *and*
``workspace/diagnostic/refresh`` (so results that arrive late, like semgrep's, can be shown);
otherwise ``textDocument/publishDiagnostics`` after each burst of changes. Closing a document
clears its diagnostics. Setting ``tracemark.scope``: ``ai`` (default) keeps findings that touch
AI-written text only, ``all`` keeps every finding.
"""

from __future__ import annotations

import asyncio
import logging
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from lsprotocol import types

from tracemark.lsp.config import Settings
from tracemark.lsp.documents import OpenDocument
from tracemark.lsp.server import TracemarkServer, handler
from tracemark.model import Finding, Severity
from tracemark.tracking import TextEdit, TextIndex

log = logging.getLogger("tracemark.lsp.diagnostics")

#: Minimum seconds between two publications for one document: the first change after a quiet
#: moment is published at once (after the messages already read), later ones of a burst ride
#: along with the next publication.
PUBLISH_INTERVAL = 0.05

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
#: ``Diagnostic.source`` per engine.
SOURCE_LABEL = {"fast": "tracemark", "semgrep": "semgrep"}


@dataclass(frozen=True, slots=True)
class Located:
    """A finding placed on a document's current text, in code points."""

    start: int
    end: int
    finding: Finding
    #: ``(start, end, replacement, title)`` of its fix, in code points, when it has one.
    fix: tuple[int, int, str, str] | None = None


def locate(index: TextIndex, f: Finding) -> Located:
    """A finding (UTF-8 bytes of the text ``index`` holds) in code points."""
    start = index.offset_of_byte(f.start_byte)
    end = max(start, index.offset_of_byte(f.end_byte))
    fix = None
    if f.fix is not None:
        fix = (index.offset_of_byte(f.fix.start_byte), index.offset_of_byte(f.fix.end_byte),
               f.fix.replacement, f.fix.title)
    return Located(start, end, f, fix)


def cwe_url(cwe: str) -> str | None:
    num = cwe.upper().removeprefix("CWE-")
    return f"https://cwe.mitre.org/data/definitions/{num}.html" if num.isdigit() else None


def to_diagnostic(od: OpenDocument, loc: Located) -> types.Diagnostic:
    index, enc = od.doc.index, od.encoding
    sl, sc = index.position_at(loc.start, enc)
    el, ec = index.position_at(loc.end, enc)
    f = loc.finding
    href = cwe_url(f.cwe[0]) if f.cwe else None
    message = f.message.strip()
    if f.cwe:
        message += f" ({', '.join(f.cwe)})"
    return types.Diagnostic(
        range=types.Range(start=types.Position(line=sl, character=sc),
                          end=types.Position(line=el, character=ec)),
        message=message,
        severity=_SEVERITY.get(f.severity, types.DiagnosticSeverity.Warning),
        code=f.rule_id,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE_LABEL.get(f.engine, f.engine),
        data={"engine": f.engine, "fixable": loc.fix is not None},
    )


@dataclass
class _Stored:
    seq: int
    items: list[Located]


@dataclass
class _DocState:
    stored: dict[str, _Stored]
    handle: asyncio.TimerHandle | None = None
    last_published: tuple | None = None
    last_time: float = float("-inf")


LiveSource = Callable[[OpenDocument, str], list[Located]]


class Diagnostics:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server
        self.live: dict[str, LiveSource] = {}
        self.pull = False
        ev = server.events
        ev.initialize.append(self.choose_mode)
        ev.opened.append(self.schedule)
        ev.changed.append(self.on_changed)
        ev.claims.append(self.schedule)
        ev.closed.append(self.on_closed)
        ev.settings.append(self.on_settings)

    # -- sources -----------------------------------------------------------------------------

    def add_live(self, name: str, source: LiveSource) -> None:
        self.live[name] = source

    def _state(self, od: OpenDocument) -> _DocState:
        st = od.state.get("diagnostics")
        if st is None:
            st = od.state["diagnostics"] = _DocState(stored={})
        return st

    def set_results(self, od: OpenDocument, source: str, seq: int, items: list[Located]) -> None:
        """Results of a stored source, computed on the text as it was at change ``seq``."""
        if od.closed:
            return
        self._state(od).stored[source] = _Stored(seq, items)
        self.updated(od)

    def clear_results(self, od: OpenDocument, source: str) -> None:
        if self._state(od).stored.pop(source, None) is not None:
            self.updated(od)

    # -- computing ---------------------------------------------------------------------------

    def _stored_now(self, od: OpenDocument, stored: _Stored) -> list[Located]:
        """A stored source's findings carried to the current text."""
        if stored.seq == od.seq:
            return stored.items
        out = []
        for loc in stored.items:
            moved = od.history.map_offsets(loc.start, loc.end, stored.seq)
            if moved is None:
                continue  # the text it was about is gone
            fix = None
            if loc.fix is not None:
                fmoved = od.history.map_offsets(loc.fix[0], loc.fix[1], stored.seq)
                if fmoved is not None:
                    fix = (*fmoved, loc.fix[2], loc.fix[3])
            out.append(replace(loc, start=moved[0], end=moved[1], fix=fix))
        stored.seq, stored.items = od.seq, out
        return out

    def located(self, od: OpenDocument) -> list[Located]:
        """Every finding of every source, in scope, on the current text (fast first)."""
        scope = self.server.settings.scope
        found: list[Located] = []
        for name, source in self.live.items():
            try:
                found.extend(source(od, scope))
            except Exception:
                log.exception("diagnostics source %s failed on %s", name, od.uri)
        for stored in self._state(od).stored.values():
            found.extend(self._stored_now(od, stored))
        if scope == "ai":
            found = self._on_ai_text(od, found)
        seen: set[tuple[str, int]] = set()
        out = []
        index = od.doc.index
        for loc in found:
            key = (loc.finding.rule_id, index.line_of(loc.start))
            if key in seen:  # the same rule on the same line from both tiers: keep one
                continue
            seen.add(key)
            out.append(loc)
        return out

    @staticmethod
    def _on_ai_text(od: OpenDocument, found: list[Located]) -> list[Located]:
        """The findings that touch AI-written text (any AI span, edited or reviewed too).

        Span overlap rather than per-line classification: this runs on every publication,
        and classifying every AI line again after each keystroke cost more than the re-check.
        """
        if not found:
            return found
        ranges: list[tuple[int, int]] = []
        for sp in od.doc.spans:  # sorted, non-overlapping
            if sp.origin.kind.is_ai and sp.end > sp.start:
                if ranges and sp.start <= ranges[-1][1]:
                    ranges[-1] = (ranges[-1][0], sp.end)
                else:
                    ranges.append((sp.start, sp.end))
        if not ranges:
            return []
        starts = [r[0] for r in ranges]
        out = []
        for loc in found:
            end = max(loc.end, loc.start + 1)
            i = bisect_right(starts, end - 1) - 1
            if i >= 0 and ranges[i][1] > loc.start:
                out.append(loc)
        return out

    def diagnostics(self, od: OpenDocument) -> list[types.Diagnostic]:
        return [to_diagnostic(od, loc) for loc in self.located(od)]

    # -- delivery ----------------------------------------------------------------------------

    def on_changed(self, od: OpenDocument, edits: list[TextEdit | None]) -> None:
        self.schedule(od)

    def schedule(self, od: OpenDocument) -> None:
        if self.pull:
            return  # the client pulls after each change
        st = self._state(od)
        if st.handle is None:
            delay = max(0.0, st.last_time + PUBLISH_INTERVAL - time.monotonic())
            st.handle = asyncio.get_running_loop().call_later(delay, self.publish, od)

    def updated(self, od: OpenDocument) -> None:
        """Results changed without a document change: tell the client."""
        if self.pull:
            self._refresh()
        else:
            self.schedule(od)

    def _refresh(self) -> None:
        if self.server.client_has("workspace.diagnostics.refresh_support"):
            self.server.workspace_diagnostic_refresh(None)

    def publish(self, od: OpenDocument) -> None:
        st = self._state(od)
        st.handle = None
        if od.closed:
            return
        items = self.diagnostics(od)
        key = (od.version, tuple(_dkey(d) for d in items))
        if key == st.last_published or (not items and st.last_published
                                         and not st.last_published[1]):
            return
        st.last_published = key
        st.last_time = time.monotonic()
        self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=od.uri, version=od.version, diagnostics=items))

    def on_closed(self, od: OpenDocument) -> None:
        st = od.state.pop("diagnostics", None)
        if st is not None and st.handle is not None:
            st.handle.cancel()
        if not self.pull:
            self.server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=od.uri, diagnostics=[]))

    def on_settings(self, old: Settings, new: Settings) -> None:
        if old.scope == new.scope:
            return
        if self.pull:
            self._refresh()
        else:
            for od in self.server.documents:
                self.schedule(od)

    def pull_diagnostics(self, params: types.DocumentDiagnosticParams
                         ) -> types.DocumentDiagnosticReport:
        od = self.server.documents.get(params.text_document.uri)
        items = [] if od is None else self.diagnostics(od)
        result_id = f"{od.version if od else 0}:{hash(tuple(_dkey(d) for d in items)):x}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)

    def choose_mode(self, params: types.InitializeParams) -> None:
        """Pull only when the client can also be told to re-pull; else publish."""
        caps = params.capabilities
        td = caps.text_document
        ws = caps.workspace
        self.pull = bool(td is not None and td.diagnostic is not None and ws is not None
                         and ws.diagnostics is not None and ws.diagnostics.refresh_support)
        if not self.pull:
            # Not advertising the pull provider keeps clients from pulling *and* receiving.
            self.server.protocol.fm.features.pop(types.TEXT_DOCUMENT_DIAGNOSTIC, None)


def _dkey(d: types.Diagnostic) -> tuple[Any, ...]:
    r = d.range
    return (r.start.line, r.start.character, r.end.line, r.end.character, d.code, d.source,
            d.message, d.severity)


def register(server: TracemarkServer) -> Diagnostics:
    feature = Diagnostics(server)
    server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, types.DiagnosticOptions(
        identifier="tracemark", inter_file_dependencies=False, workspace_diagnostics=False,
    ))(handler(feature.pull_diagnostics))
    return feature
