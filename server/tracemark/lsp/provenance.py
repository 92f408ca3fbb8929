"""``tracemark.showProvenance``: who wrote a line, a range or a whole document, in words.

Arguments: one object ``{textDocument: {uri}, position? | range?, show?}`` or positional
``[uri, position-or-range?]``. Returns the summary as a string; with ``show: true`` (how the
code lens calls it) the summary is also shown with ``window/showMessage``.
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from tracemark.lsp.documents import OpenDocument, UnknownDocument
from tracemark.lsp.hover import when
from tracemark.lsp.server import TracemarkServer, handler
from tracemark.lsp.views import ai_lines, block_summary, blocks, label
from tracemark.tracking.lines import line_count

CMD_SHOW_PROVENANCE = "tracemark.showProvenance"


def _pos(v: Any) -> tuple[int, int] | None:
    if isinstance(v, dict) and isinstance(v.get("line"), int) and v["line"] >= 0:
        ch = v.get("character", 0)
        return v["line"], ch if isinstance(ch, int) and ch >= 0 else 0
    return None


def _parse(args: tuple[Any, ...]) -> tuple[str, tuple[int, int] | None, bool]:
    """(uri, (first, last) 0-based lines or None for the whole document, show)."""
    if len(args) == 1 and isinstance(args[0], dict):
        obj = args[0]
        doc = obj.get("textDocument")
        uri = doc.get("uri") if isinstance(doc, dict) else obj.get("uri")
        where = obj.get("range") or obj.get("position")
        show = obj.get("show") is True
    elif args and isinstance(args[0], str):
        uri, where, show = args[0], args[1] if len(args) > 1 else None, False
    else:
        raise JsonRpcInvalidParams(
            f"{CMD_SHOW_PROVENANCE}: expected {{textDocument, position|range}} or [uri, position]")
    if not isinstance(uri, str) or not uri:
        raise JsonRpcInvalidParams(f"{CMD_SHOW_PROVENANCE}: missing textDocument.uri")
    lines = None
    if isinstance(where, dict) and "start" in where:
        a, b = _pos(where.get("start")), _pos(where.get("end"))
        if a is None or b is None:
            raise JsonRpcInvalidParams(f"{CMD_SHOW_PROVENANCE}: malformed range")
        last = b[0] - 1 if b[1] == 0 and b[0] > a[0] else b[0]
        lines = (a[0], max(a[0], last))
    elif where is not None:
        p = _pos(where)
        if p is None:
            raise JsonRpcInvalidParams(f"{CMD_SHOW_PROVENANCE}: malformed position")
        lines = (p[0], p[0])
    return uri, lines, show


def summary(od: OpenDocument, lines: tuple[int, int] | None) -> str:
    name = od.path.name if od.path is not None else od.uri
    ai = ai_lines(od)
    if lines is not None and lines[0] == lines[1]:
        lo = ai.get(lines[0])
        if lo is None:
            return f"{name}:{lines[0] + 1}: not AI-written, as far as tracemark knows"
        how = f", {lo.confidence.value}" if lo.confidence is not None else ""
        return (f"{name}:{lines[0] + 1}: {lo.kind.value} · {label(lo.tool, lo.model)} · "
                f"{when(lo.time)}{how} · {'reviewed' if lo.reviewed else 'not reviewed'}")
    parts = []
    for b in blocks(od):
        if lines is not None and (b[1] < lines[0] or b[0] > lines[1]):
            continue
        c = block_summary(od, b)
        n = b[1] - b[0] + 1
        state = "reviewed" if c["reviewed"] == n else (
            f"{c['reviewed']} of {n} reviewed" if c["reviewed"] else "not reviewed")
        edited = f", {c['ai-modified']} edited" if c["ai-modified"] else ""
        parts.append(f"lines {b[0] + 1}–{b[1] + 1}: {label(b[2].tool, b[2].model)}, "
                     f"{when(b[2].time)}{edited}, {state}")
    total = line_count(od.doc.index)
    if lines is None:
        pct = round(100 * len(ai) / total) if total else 0
        head = f"{name}: {len(ai)} of {total} lines AI-written ({pct}%)"
    else:
        head = f"{name}:{lines[0] + 1}-{lines[1] + 1}"
    if not parts:
        return f"{head}: no AI-written lines" if lines is not None else head
    return head + "\n" + "\n".join(parts)


class Provenance:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server

    def show(self, *args: Any) -> str:
        uri, lines, show = _parse(args)
        try:
            od = self.server.documents.require(uri)
        except UnknownDocument as err:
            raise JsonRpcInvalidParams(str(err)) from None
        text = summary(od, lines)
        if show:
            self.server.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Info, message=text))
        return text


def register(server: TracemarkServer) -> Provenance:
    feature = Provenance(server)
    server.command(CMD_SHOW_PROVENANCE)(handler(feature.show))
    return feature
