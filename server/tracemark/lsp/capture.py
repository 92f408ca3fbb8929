"""Capture: ``tracemark/markRange``, the mark commands, and the insertion heuristic.

``tracemark/markRange`` may be sent as a request (answered with what was applied, or an LSP
error) or as a notification (problems go to the client's log as warnings). A range for an older
document version is mapped forward through the changes made since (the user kept typing while
the plugin was sending); when those changes are no longer known the request fails with
``ContentModified`` (-32801). See ``docs/protocol.md``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Literal

from lsprotocol import types
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pygls.exceptions import JsonRpcContentModified, JsonRpcException, JsonRpcInvalidParams

from tracemark.capture.heuristics import heuristic_origin, judge_change
from tracemark.lsp.documents import OpenDocument, UnknownDocument
from tracemark.lsp.history import StaleVersion
from tracemark.lsp.server import TracemarkServer, handler
from tracemark.model import Confidence, Origin, OriginKind

log = logging.getLogger("tracemark.lsp.capture")

MARK_RANGE = "tracemark/markRange"
CMD_MARK_SELECTION = "tracemark.markSelection"
CMD_MARK_REVIEWED = "tracemark.markReviewed"


# -- wire shapes (validated; unknown members ignored) -----------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class WirePosition(_Model):
    line: int = Field(ge=0)
    character: int = Field(ge=0)


class WireRange(_Model):
    start: WirePosition
    end: WirePosition


class WireDocument(_Model):
    uri: str = Field(min_length=1)
    version: int | None = None


class WireOrigin(_Model):
    kind: Literal["ai", "human", "reviewed"] = "ai"
    tool: str | None = None
    model: str | None = None
    session: str | None = None
    #: Optional: ``declared`` when a person marked the range (``exact`` by default).
    confidence: Literal["exact", "declared"] | None = None


class MarkParams(_Model):
    textDocument: WireDocument  # the LSP member name
    range: WireRange | None = None
    origin: WireOrigin = Field(default_factory=WireOrigin)


def _reason(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "params"
    return f"{where}: {first.get('msg', 'invalid')}"


def parse_mark(raw: Any) -> MarkParams:
    try:
        return MarkParams.model_validate(raw)
    except ValidationError as err:
        raise JsonRpcInvalidParams(f"{MARK_RANGE}: {_reason(err)}") from None


def command_target(name: str, args: tuple[Any, ...]) -> Any:
    """Command arguments as the object form: ``[{textDocument, range, origin}]`` or
    positional ``[uri, range?, origin-or-kind?]``."""
    if len(args) == 1 and isinstance(args[0], dict):
        return args[0]
    if args and isinstance(args[0], str):
        out: dict[str, Any] = {"textDocument": {"uri": args[0]}}
        if len(args) > 1 and args[1] is not None:
            out["range"] = args[1]
        if len(args) > 2 and args[2] is not None:
            out["origin"] = {"kind": args[2]} if isinstance(args[2], str) else args[2]
        return out
    raise JsonRpcInvalidParams(
        f"{name}: expected one object {{textDocument, range, origin}} or [uri, range]"
    )


# -- the feature ------------------------------------------------------------------------------


class Capture:
    def __init__(self, server: TracemarkServer) -> None:
        self.server = server

    # -- the heuristic -----------------------------------------------------------------------

    def origin_for_change(self, od: OpenDocument, start: int, end: int, new: str
                          ) -> Origin | None:
        """The origin of text one content change inserts: AI when the heuristic says so."""
        settings = self.server.settings.heuristic
        if not settings.enabled:
            return None
        old = od.text
        verdict = judge_change(
            new, old[start:end], settings, recent=od.recent,
            matches_disk=lambda: _equals_file(od.path, old[:start] + new + old[end:]),
        )
        if verdict.tag:
            log.info("%s: tagged a change as AI (%s)", od.uri, verdict.reason)
            return heuristic_origin()
        if "line" not in verdict.reason or "non-blank" in verdict.reason:
            log.debug("%s: not tagged: %s", od.uri, verdict.reason)
        return None

    # -- markRange and the commands ----------------------------------------------------------

    def mark_range(self, raw: Any) -> dict[str, Any] | None:
        """``tracemark/markRange`` as a request or a notification."""
        is_request = self.server.protocol.msg_id is not None
        try:
            return self.apply(parse_mark(raw), source="lsp", default_confidence=Confidence.EXACT)
        except JsonRpcException as err:
            if is_request:
                raise
            self.server.log_client(f"{MARK_RANGE} ignored: {err.message}",
                                   types.MessageType.Warning)
            return None

    def mark_selection(self, *args: Any) -> dict[str, Any]:
        params = parse_mark(command_target(CMD_MARK_SELECTION, args))
        if params.range is None:
            raise JsonRpcInvalidParams(f"{CMD_MARK_SELECTION}: a range is required")
        return self.apply(params, source="lsp:command", default_confidence=Confidence.DECLARED)

    def mark_reviewed(self, *args: Any) -> dict[str, Any]:
        target = command_target(CMD_MARK_REVIEWED, args)
        if isinstance(target, dict):
            target = {**target, "origin": {"kind": "reviewed"}}
        return self.apply(parse_mark(target), source="lsp:command",
                          default_confidence=Confidence.DECLARED)

    def apply(self, p: MarkParams, *, source: str, default_confidence: Confidence
              ) -> dict[str, Any]:
        server = self.server
        try:
            od = server.documents.require(p.textDocument.uri)
        except UnknownDocument as err:
            raise JsonRpcInvalidParams(str(err)) from None
        doc = od.doc
        enc = od.encoding
        if p.range is None:
            start_pos, end_pos = (0, 0), doc.index.position_at(len(doc.text), enc)
        else:
            start_pos = (p.range.start.line, p.range.start.character)
            end_pos = (p.range.end.line, p.range.end.character)
        mapped = False
        version = p.textDocument.version
        if version is not None and od.version is not None and version != od.version:
            if version > od.version:
                raise JsonRpcInvalidParams(
                    f"version {version} of {od.uri} is newer than the server's ({od.version})")
            try:
                start_pos, end_pos = od.history.map_range(version, start_pos, end_pos)
            except StaleVersion:
                raise JsonRpcContentModified(
                    f"{od.uri} changed too much since version {version} (now {od.version}) to "
                    "map the range; send it again for the current version") from None
            mapped = True
        clamped = doc.index.check(*start_pos, enc) or doc.index.check(*end_pos, enc)
        if clamped:
            server.log_client(f"{MARK_RANGE} {od.uri}: {clamped}; clamped",
                              types.MessageType.Warning)
        a, b = doc.range_offsets((*start_pos, *end_pos), enc)
        o = p.origin
        if a < b:
            if o.kind == "reviewed":
                doc.review(a, b)
            else:
                conf = Confidence(o.confidence) if o.confidence else default_confidence
                if o.kind == "human" and conf is Confidence.EXACT:
                    conf = Confidence.DECLARED
                doc.mark(a, b, Origin(
                    kind=OriginKind(o.kind), tool=o.tool, model=o.model, session=o.session,
                    confidence=conf, source=source,
                ))
            od.dirty = True
            server.events.emit("claims", od)
        sl, sc = doc.index.position_at(a, enc)
        el, ec = doc.index.position_at(b, enc)
        return {
            "applied": a < b,
            "version": od.version,
            "range": {"start": {"line": sl, "character": sc},
                      "end": {"line": el, "character": ec}},
            "mapped": mapped,
            "clamped": clamped,
        }


def _equals_file(path: Path | None, text: str) -> bool:
    """Whether ``text`` is exactly the file at ``path`` (a buffer reload); cheap when not."""
    if path is None:
        return False
    try:
        size = path.stat().st_size
        if size != len(text.encode("utf-8", "surrogatepass")):
            return False
        data = path.read_bytes()
    except OSError:
        return False
    return data.decode("utf-8", "replace") == text


def register(server: TracemarkServer) -> Capture:
    feature = Capture(server)
    server.feature(MARK_RANGE)(handler(feature.mark_range))
    server.command(CMD_MARK_SELECTION)(handler(feature.mark_selection))
    server.command(CMD_MARK_REVIEWED)(handler(feature.mark_reviewed))
    return feature
