"""Code actions: "Mark as reviewed" and "Mark as written by hand" on AI lines, and quick fixes
from rule findings that carry an unambiguous fix.

The mark actions run the server's own commands (``tracemark.markReviewed``,
``tracemark.markSelection`` with ``kind: human``); with the cursor in an AI block they apply to
the whole block, with a selection to the selected AI lines. Their kind is
``refactor.tracemark``; quick fixes are ``quickfix``.
"""

from __future__ import annotations

from lsprotocol import types

from tracemark.lsp.capture import CMD_MARK_REVIEWED, CMD_MARK_SELECTION
from tracemark.lsp.documents import OpenDocument
from tracemark.lsp.server import TracemarkServer, handler
from tracemark.lsp.views import ai_lines, block_at

KIND_MARK = "refactor.tracemark"


def _line_range(od: OpenDocument, first: int, last: int) -> dict:
    """Whole lines ``first..last`` (0-based) including the last line break, as an LSP range."""
    index = od.doc.index
    if last + 1 < index.line_count:
        end = {"line": last + 1, "character": 0}
    else:
        el, ec = index.position_at(len(index.text), od.encoding)
        end = {"line": el, "character": ec}
    return {"start": {"line": first, "character": 0}, "end": end}


def _wanted(only: list[str] | None, kind: str) -> bool:
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


class CodeActions:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server

    def actions(self, params: types.CodeActionParams) -> list[types.CodeAction]:
        od = self.server.documents.get(params.text_document.uri)
        if od is None:
            return []
        only = list(params.context.only) if params.context.only else None
        out: list[types.CodeAction] = []
        if _wanted(only, types.CodeActionKind.QuickFix):
            out.extend(self._fixes(od, params))
        if _wanted(only, KIND_MARK):
            out.extend(self._marks(od, params.range))
        return out

    def _target(self, od: OpenDocument, rng: types.Range) -> tuple[int, int, bool] | None:
        """(first, last, all reviewed) of the AI lines the request is about."""
        lines = ai_lines(od)
        if not lines:
            return None
        first, last = rng.start.line, rng.end.line
        if last > first and rng.end.character == 0:
            last -= 1
        if first == last:
            block = block_at(od, first)
            if block is None:
                return None
            first, last = block[0], block[1]
        hit = [n for n in range(first, last + 1) if n in lines]
        if not hit:
            return None
        return hit[0], hit[-1], all(lines[n].reviewed for n in hit)

    def _marks(self, od: OpenDocument, rng: types.Range) -> list[types.CodeAction]:
        target = self._target(od, rng)
        if target is None:
            return []
        first, last, reviewed = target
        where = f"line {first + 1}" if first == last else f"lines {first + 1}–{last + 1}"
        args = {"textDocument": {"uri": od.uri, "version": od.version},
                "range": _line_range(od, first, last)}
        out = []
        if not reviewed:
            out.append(types.CodeAction(
                title=f"Mark as reviewed ({where})", kind=KIND_MARK,
                command=types.Command(title="Mark as reviewed", command=CMD_MARK_REVIEWED,
                                      arguments=[args])))
        out.append(types.CodeAction(
            title=f"Mark as written by hand ({where})", kind=KIND_MARK,
            command=types.Command(title="Mark as written by hand", command=CMD_MARK_SELECTION,
                                  arguments=[{**args, "origin": {"kind": "human"}}])))
        return out

    def _fixes(self, od: OpenDocument, params: types.CodeActionParams
               ) -> list[types.CodeAction]:
        diagnostics = self.server.features.get("diagnostics")
        if diagnostics is None:
            return []
        index, enc = od.doc.index, od.encoding
        lo = index.offset_at(params.range.start.line, params.range.start.character, enc)
        hi = index.offset_at(params.range.end.line, params.range.end.character, enc)
        sent = {(d.code, d.range.start.line): d for d in params.context.diagnostics}
        out = []
        for loc in diagnostics.located(od):
            if loc.fix is None or loc.end < lo or loc.start > max(hi, lo + 1):
                continue
            fs, fe, replacement, title = loc.fix
            sl, sc = index.position_at(fs, enc)
            el, ec = index.position_at(fe, enc)
            line = index.line_of(loc.start)
            match = sent.get((loc.finding.rule_id, line))
            od.recent.remember(replacement)  # applying it must not look like an AI insertion
            out.append(types.CodeAction(
                title=title, kind=types.CodeActionKind.QuickFix, is_preferred=True,
                diagnostics=[match] if match is not None else None,
                edit=types.WorkspaceEdit(changes={od.uri: [types.TextEdit(
                    range=types.Range(start=types.Position(line=sl, character=sc),
                                      end=types.Position(line=el, character=ec)),
                    new_text=replacement)]}),
            ))
        return out


def register(server: TracemarkServer) -> CodeActions:
    feature = CodeActions(server)
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, KIND_MARK],
    ))(handler(feature.actions))
    return feature
