"""The pygls server: a thin shell that wires the features (one module each) to the core.

Text synchronisation bypasses pygls' workspace: the protocol's built-in ``didOpen``,
``didChange`` and ``didClose`` handlers are replaced by ones that hand the parameters straight to
the :mod:`tracemark.lsp.sync` feature, which keeps tracemark's own documents. pygls would
otherwise re-split each document's whole text on every keystroke.

:func:`create_server` builds a fully wired server without starting it, so the proxy mode (and
tests) can reuse it in-process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import sys
import threading
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO, TypeVar

from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, default_converter
from pygls.protocol.language_server import lsp_method

from tracemark import __version__
from tracemark.lsp.config import Settings
from tracemark.lsp.documents import DocumentStore, OpenDocument
from tracemark.tracking import PositionEncoding, TextEdit

log = logging.getLogger("tracemark.lsp")
T = TypeVar("T")

_ENCODINGS = {
    types.PositionEncodingKind.Utf8: PositionEncoding.UTF8,
    types.PositionEncodingKind.Utf16: PositionEncoding.UTF16,
    types.PositionEncodingKind.Utf32: PositionEncoding.UTF32,
}


def make_converter() -> Any:
    """pygls' converter, except that parameters of methods lsprotocol does not know (ours:
    ``tracemark/markRange``) stay plain JSON objects instead of namedtuples."""
    from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage

    converter = default_converter()

    def keep(obj: dict[str, Any], cls: type) -> Any:
        return cls(**obj)

    converter.register_structure_hook(JsonRPCRequestMessage, keep)
    converter.register_structure_hook(JsonRPCNotification, keep)
    return converter


_ATTRIBUTE = re.compile(r"@ attribute (\w+)")


def _structure_reason(cause: BaseException | None) -> str:
    """One line from cattrs' nested validation errors: ``position.line: <what was wrong>``."""
    path: list[str] = []
    exc = cause
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
        for note in getattr(exc, "__notes__", ()):
            m = _ATTRIBUTE.search(str(note))
            if m and m.group(1) != "params":
                path.append(m.group(1))
    if exc is None:
        return "malformed parameters"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, KeyError):
        text = "missing"
        path.append(str(exc.args[0]) if exc.args else "?")
    return f"{'.'.join(path)}: {text}" if path else text


class _Answered:
    """Marks a message already answered with an error while it was being parsed."""

    jsonrpc = None


ANSWERED = _Answered()


class TracemarkProtocol(LanguageServerProtocol):
    """pygls' protocol with text sync routed to tracemark and sturdier message handling."""

    # -- text sync: straight to the registered feature, pygls' workspace untouched ----------

    def _to_feature(self, method: str, params: Any) -> None:
        handler = self.fm.features.get(method)
        if handler is not None:
            handler(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        self._to_feature(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        self._to_feature(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        self._to_feature(types.TEXT_DOCUMENT_DID_CLOSE, params)

    # -- malformed messages: an error answer or a logged warning, never silence -------------

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as err:
            if isinstance(data, dict) and "id" in data and "method" in data:
                reason = _structure_reason(err.__cause__)
                error = JsonRpcInvalidParams(f"invalid params for {data['method']}: {reason}")
                self._send_response(data["id"], error=error.to_response_error())
                self._server.log_client(
                    f"answered {data['method']} with an error: {reason}", types.MessageType.Warning
                )
                return ANSWERED
            raise

    def handle_message(self, message: Any) -> None:
        if message is ANSWERED:
            return
        if isinstance(message, dict):
            # Not a JSON-RPC 2.0 message (no "jsonrpc" member, or not an object we know).
            if "id" in message and "method" in message:
                err = JsonRpcInvalidRequest("not a JSON-RPC 2.0 request (missing \"jsonrpc\")")
                self._send_response(message["id"], error=err.to_response_error())
            self._server.log_client("ignored a message that is not JSON-RPC 2.0",
                                    types.MessageType.Warning)
            return
        if not hasattr(message, "jsonrpc"):
            self._server.log_client(
                f"ignored a message that is not a JSON object: {str(message)[:80]}",
                types.MessageType.Warning,
            )
            return
        super().handle_message(message)


#: Longest header line read from stdin (a longer one is skipped as garbage).
_LINE_LIMIT = 1 << 20


class _PipeReader:
    """pygls' reader interface over an ``asyncio.StreamReader``: end of input is ``b""``."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.stream = stream

    async def readline(self) -> bytes:
        try:
            return await self.stream.readline()
        except ValueError:  # a line over the limit: drop it, keep reading
            with contextlib.suppress(asyncio.LimitOverrunError, ValueError):
                await self.stream.read(_LINE_LIMIT)
            return b"?\r\n"

    async def readexactly(self, n: int) -> bytes:
        try:
            return await self.stream.readexactly(n)
        except asyncio.IncompleteReadError:
            return b""  # the client went away mid-message


class Events:
    """Document and settings events the features subscribe to; one failing listener is logged
    and does not stop the others."""

    def __init__(self) -> None:
        #: ``initialize`` params, before the capabilities are computed.
        self.initialize: list[Callable[[types.InitializeParams], None]] = []
        self.opened: list[Callable[[OpenDocument], None]] = []
        #: ``(document, edits)``: each applied edit, ``None`` for a whole-text replacement.
        self.changed: list[Callable[[OpenDocument, list[TextEdit | None]], None]] = []
        self.saved: list[Callable[[OpenDocument], None]] = []
        self.closed: list[Callable[[OpenDocument], None]] = []
        #: Spans changed without the text changing (a mark, the ledger, a review).
        self.claims: list[Callable[[OpenDocument], None]] = []
        self.settings: list[Callable[[Settings, Settings], None]] = []

    def emit(self, name: str, *args: Any) -> None:
        for listener in getattr(self, name):
            try:
                listener(*args)
            except Exception:
                log.exception("%s listener %r failed", name, listener)


class TracemarkServer(LanguageServer):
    """The language server: documents, settings, the negotiated encoding and shared helpers."""

    def __init__(self) -> None:
        super().__init__(
            "tracemark",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=TracemarkProtocol,
            converter_factory=make_converter,
        )
        self.documents = DocumentStore()
        self.events = Events()
        self.settings = Settings()
        self.encoding = PositionEncoding.UTF16
        self.root: str | None = None
        #: Ledger I/O runs here, in order, off the event loop.
        self.io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracemark-io")
        self._tasks: set[asyncio.Task[Any]] = set()
        self._told: set[str] = set()
        self.features: dict[str, Any] = {}

    # -- client capabilities -----------------------------------------------------------------

    def negotiate(self, params: types.InitializeParams) -> None:
        """Pick the position encoding the client prefers among those it lists."""
        kind = ServerCapabilitiesBuilder.choose_position_encoding(params.capabilities)
        self.encoding = _ENCODINGS.get(kind, PositionEncoding.UTF16)  # type: ignore[call-overload]
        if params.workspace_folders:
            self.root = params.workspace_folders[0].uri
        else:
            self.root = params.root_uri

    def client_has(self, path: str) -> bool:
        """Whether a dotted client capability is present and truthy."""
        node: Any = getattr(self.protocol, "client_capabilities", None)
        for part in path.split("."):
            if node is None:
                return False
            node = getattr(node, part, None)
        return bool(node)

    # -- messages to the user ----------------------------------------------------------------

    def log_client(self, message: str, level: types.MessageType = types.MessageType.Info) -> None:
        """``window/logMessage`` (and the server's own log)."""
        py_level = {types.MessageType.Error: logging.ERROR,
                    types.MessageType.Warning: logging.WARNING}.get(level, logging.INFO)
        log.log(py_level, "%s", message)
        if self.protocol.writer is not None:
            with contextlib.suppress(Exception):
                self.window_log_message(types.LogMessageParams(type=level, message=message))

    def tell_once(self, key: str, message: str,
                  level: types.MessageType = types.MessageType.Warning) -> None:
        """``window/showMessage``, once per ``key`` for the life of the server."""
        if key in self._told:
            return
        self._told.add(key)
        self.log_client(message, level)
        if self.protocol.writer is not None:
            with contextlib.suppress(Exception):
                self.window_show_message(
                    types.ShowMessageParams(type=level, message=f"tracemark: {message}")
                )

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Unexpected errors go to the client's log, not to pop-ups; a failed request already
        carries its error in the response."""
        from pygls.exceptions import FeatureRequestError

        if source is FeatureRequestError:
            return
        if isinstance(error, BrokenPipeError | ConnectionResetError) or (
                isinstance(error, ValueError) and "closed file" in str(error)):
            log.debug("the client is gone: %s", error)  # after exit: nobody left to tell
            return
        if isinstance(error, json.JSONDecodeError):
            self.log_client(f"ignored a message that is not valid JSON: {error}",
                            types.MessageType.Warning)
            return
        self.log_client(f"internal error: {error}", types.MessageType.Error)

    # -- background work ---------------------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, T], what: str) -> asyncio.Task[T] | None:
        """Run ``coro`` as a task on the loop; its failure is logged, never lost."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            coro.close()
            return None
        task = loop.create_task(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and (exc := t.exception()) is not None:
                log.error("%s failed", what, exc_info=exc)
                self.log_client(f"{what} failed: {exc}", types.MessageType.Error)

        task.add_done_callback(done)
        return task

    def blocking(self, fn: Callable[..., T], *args: Any) -> Awaitable[T]:
        """``fn(*args)`` on the I/O thread (ledger work), awaitable from the loop."""
        return asyncio.get_running_loop().run_in_executor(self.io, fn, *args)

    # -- transport -------------------------------------------------------------------------

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve over stdin/stdout, reading stdin on the event loop itself.

        pygls' stdio reader hands every ``readline`` and ``read`` to a thread pool: three
        thread round trips per message, the largest share of a keystroke's cost on a busy
        machine. A pipe is read by the loop directly here (as pygls does for TCP); stdin that
        the loop cannot watch (a regular file) falls back to pygls' reader.
        """
        from pygls.io_ import StdinAsyncReader, StdoutWriter, run_async

        source_in = stdin or sys.stdin.buffer
        self._stop_event = threading.Event()

        async def serve() -> None:
            loop = asyncio.get_running_loop()
            stream = asyncio.StreamReader(limit=_LINE_LIMIT)
            reader: Any
            try:
                await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream),
                                             source_in)
                reader = _PipeReader(stream)
            except (ValueError, OSError, NotImplementedError):
                reader = StdinAsyncReader(source_in, self.thread_pool)
            self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
            await run_async(stop_event=self._stop_event, reader=reader, protocol=self.protocol,
                            logger=log, error_handler=self.report_server_error)

        try:
            asyncio.run(serve())
        except BrokenPipeError:
            log.error("the connection to the client is lost; stopping")
        except (KeyboardInterrupt, SystemExit):
            pass

    def shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self.io.shutdown(wait=True, cancel_futures=False)  # ledger writes already queued finish
        for feature in self.features.values():
            stop = getattr(feature, "stop", None)
            if stop is not None:
                with contextlib.suppress(Exception):
                    stop()
        super().shutdown()


def handler(method: Callable[..., Any]) -> Callable[..., Any]:
    """A plain function around a bound method: pygls tags handlers with attributes, which
    bound methods refuse. Commands keep their ``*args`` signature."""
    import inspect

    params = list(inspect.signature(method).parameters.values())
    variadic = any(p.kind is p.VAR_POSITIONAL for p in params)
    if inspect.iscoroutinefunction(method):
        if variadic:
            async def acall(*args: Any) -> Any:
                return await method(*args)
        else:
            async def acall(params: Any) -> Any:  # type: ignore[misc]
                return await method(params)
        return acall
    if variadic:
        def call(*args: Any) -> Any:
            return method(*args)
    else:
        def call(params: Any) -> Any:  # type: ignore[misc]
            return method(params)
    return call


def create_server() -> TracemarkServer:
    """A tracemark language server with every feature wired, not yet started."""
    from tracemark.lsp import (
        capture,
        code_actions,
        code_lens,
        configuration,
        diagnostics,
        hover,
        inlay_hints,
        persistence,
        provenance,
        rules_fast,
        semgrep_tier,
        spans_notify,
        sync,
    )

    server = TracemarkServer()
    for module in (configuration, sync, capture, persistence, spans_notify, diagnostics,
                   rules_fast, semgrep_tier,
                   hover, code_lens, inlay_hints, provenance, code_actions):
        feature = module.register(server)
        server.features[module.__name__.rsplit(".", 1)[-1]] = feature
    return server
