"""The proxy itself: messages between the editor, the wrapped server (a subprocess) and
tracemark's own server (in-process), with ids renumbered per side, requests routed to the
server that provides them, and accepted inline completions marked. See the package docstring.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tracemark.lsp.proxy.accepted import (
    ACCEPT_COMMAND,
    PARTIAL_ACCEPT,
    accepted_region,
    insert_text_of,
    utf16_prefix,
)
from tracemark.lsp.proxy.framing import FramingError, dumps, frame, read_message
from tracemark.lsp.proxy.merge import (
    SHARED,
    merge_capabilities,
    merge_results,
    sync_kind,
    tool_name,
)
from tracemark.lsp.server import TracemarkServer
from tracemark.tracking import PositionEncoding, TextIndex

log = logging.getLogger("tracemark.lsp.proxy")

#: How many offered items are remembered (an item accepted after this many others is not).
REMEMBER_ITEMS = 256
#: Seconds the wrapped server gets to exit after ``exit`` before it is terminated.
EXIT_GRACE = 2.0
#: Error code for a request the wrapped server cannot answer (LSP ``RequestFailed``).
REQUEST_FAILED = -32803

_ENCODINGS = {"utf-8": PositionEncoding.UTF8, "utf-16": PositionEncoding.UTF16,
              "utf-32": PositionEncoding.UTF32}
#: Document sync notifications: never carry completion items (and can be large).
_SYNC = {"textDocument/didOpen", "textDocument/didChange", "textDocument/didSave",
         "textDocument/didClose"}



@dataclass
class Offered:
    """An inline completion item as the wrapped server offered it."""

    uri: str
    seq: int
    snapshot: str
    encoding: PositionEncoding
    item: dict[str, Any]
    position: dict[str, Any]
    command: dict[str, Any] | None


@dataclass
class Endpoint:
    """One server behind the proxy and the requests the proxy has sent it."""

    name: str
    send: Callable[[dict[str, Any]], None]
    pending: dict[Any, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    alive: bool = True

    def request(self, method: str, params: Any) -> tuple[Any, asyncio.Future[dict[str, Any]]]:
        pid = next(self.ids)
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        if not self.alive:
            fut.set_result({"error": {"code": REQUEST_FAILED,
                                      "message": f"{self.name} is not running"}})
            return pid, fut
        self.pending[pid] = fut
        msg: dict[str, Any] = {"jsonrpc": "2.0", "id": pid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return pid, fut

    def answered(self, msg: dict[str, Any]) -> None:
        fut = self.pending.pop(msg.get("id"), None)
        if fut is not None and not fut.done():
            fut.set_result(msg)

    def fail_all(self, reason: str) -> None:
        self.alive = False
        for fut in self.pending.values():
            if not fut.done():
                fut.set_result({"error": {"code": REQUEST_FAILED, "message": reason}})
        self.pending.clear()


class _TracemarkWriter:
    """pygls' writer for the in-process server: each message goes to the proxy."""

    def __init__(self, proxy: Proxy) -> None:
        self.proxy = proxy

    def write(self, data: bytes) -> None:
        self.proxy.from_tracemark(json.loads(data))

    def close(self) -> None:
        pass


class Proxy:
    def __init__(self, command: list[str], server: TracemarkServer, *,
                 tool: str | None = None, model: str | None = None,
                 write_client: Callable[[bytes], None]) -> None:
        self.command = command
        self.server = server
        self.tool = tool
        self.model = model
        self._write_client = write_client
        self.proc: asyncio.subprocess.Process | None = None
        self.wrapped = Endpoint("wrapped server", self._send_wrapped)
        self.tracemark = Endpoint("tracemark", self._send_tracemark)
        #: Editor-facing ids of requests the servers sent the editor: (endpoint, their id).
        self.to_client: dict[str, tuple[Endpoint, Any]] = {}
        self._client_ids = itertools.count(1)
        #: The editor's request id -> the ids it was sent under.
        self.inflight: dict[Any, list[tuple[Endpoint, Any]]] = {}
        self.offered: OrderedDict[int, Offered] = OrderedDict()
        self._tokens = itertools.count(1)
        self.wrapped_caps: dict[str, Any] = {}
        self.wrapped_name: str | None = None
        self.tm_methods = set(server.protocol.fm.features) | set(
            server.protocol.fm.builtin_features)
        self.tm_commands = set(server.protocol.fm.commands)
        self.diagnostics: dict[str, dict[str, list[Any]]] = {}
        self.shutdown_requested = False
        self.stopping = False
        self.done = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        server.protocol.set_writer(_TracemarkWriter(self), include_headers=False)

    # -- wiring ------------------------------------------------------------------------------

    def send_client(self, msg: dict[str, Any] | bytes) -> None:
        body = msg if isinstance(msg, bytes) else dumps(msg)
        self._write_client(frame(body))

    def _send_wrapped(self, msg: dict[str, Any]) -> None:
        proc = self.proc
        if proc is None or proc.stdin is None or not self.wrapped.alive:
            return
        try:
            proc.stdin.write(frame(dumps(msg)))
        except (BrokenPipeError, ConnectionResetError, RuntimeError):
            self._wrapped_gone("its input closed")

    def _send_tracemark(self, msg: dict[str, Any]) -> None:
        protocol = self.server.protocol
        try:
            message = json.loads(dumps(msg), object_hook=protocol.structure_message)
            protocol.handle_message(message)
        except Exception as err:  # pygls answers bad requests itself; this is a last resort
            log.exception("tracemark could not handle %s", msg.get("method"))
            if "id" in msg and "method" in msg:
                self.tracemark.answered({"id": msg["id"], "error": {
                    "code": -32603, "message": f"tracemark: {err}"}})

    def notify_user(self, message: str, level: int = 2) -> None:
        log.warning("%s", message)
        self.send_client({"jsonrpc": "2.0", "method": "window/showMessage",
                          "params": {"type": level, "message": f"tracemark: {message}"}})

    def spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("proxy task failed", exc_info=task.exception())

    # -- the wrapped server ------------------------------------------------------------------

    async def start_wrapped(self) -> None:
        try:
            self.proc = await asyncio.create_subprocess_exec(
                *self.command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                limit=2**24)
        except OSError as err:
            self.wrapped.alive = False
            self.notify_user(f"could not start the wrapped server {self.command[0]!r}: "
                             f"{err.strerror or err}; serving tracemark alone", 1)
            return
        self.spawn(self._read_wrapped())

    async def _read_wrapped(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        reader = self.proc.stdout
        while True:
            try:
                body = await read_message(reader)
            except FramingError as err:
                log.warning("wrapped server: %s", err)
                continue
            if body is None:
                break
            try:
                msg = json.loads(body)
            except ValueError:
                log.warning("wrapped server sent a message that is not JSON: %r", body[:80])
                continue
            if isinstance(msg, dict):
                self.from_wrapped(msg, body)
        code = await self.proc.wait()
        if not self.done.is_set():
            self._wrapped_gone(f"it exited with code {code}")

    def _wrapped_gone(self, why: str) -> None:
        if not self.wrapped.alive:
            return
        self.wrapped.fail_all(f"the wrapped server is not running ({why})")
        if not (self.shutdown_requested or self.stopping):
            self.notify_user(f"the wrapped server {self.command[0]!r} stopped ({why}); "
                             "tracemark goes on alone", 1)

    def from_wrapped(self, msg: dict[str, Any], raw: bytes) -> None:
        if "method" not in msg:
            self.wrapped.answered(msg)
        elif "id" in msg:
            self._server_request(self.wrapped, msg)
        elif msg["method"] == "textDocument/publishDiagnostics":
            self._publish(self.wrapped, msg)
        else:
            self.send_client(raw)

    # -- the in-process tracemark server -----------------------------------------------------

    def from_tracemark(self, msg: dict[str, Any]) -> None:
        if "method" not in msg:
            self.tracemark.answered(msg)
        elif "id" in msg:
            self._server_request(self.tracemark, msg)
        elif msg["method"] == "textDocument/publishDiagnostics":
            self._publish(self.tracemark, msg)
        else:
            self.send_client(msg)

    # -- messages from either server ---------------------------------------------------------

    def _server_request(self, origin: Endpoint, msg: dict[str, Any]) -> None:
        """A request a server sends the editor: renumbered so the two never clash."""
        cid = f"tm{next(self._client_ids)}"
        self.to_client[cid] = (origin, msg["id"])
        self.send_client({**msg, "id": cid})

    def _publish(self, origin: Endpoint, msg: dict[str, Any]) -> None:
        params = msg.get("params") or {}
        uri = params.get("uri")
        if not isinstance(uri, str):
            return
        per_source = self.diagnostics.setdefault(uri, {})
        per_source[origin.name] = list(params.get("diagnostics") or [])
        merged = [d for source in per_source.values() for d in source]
        if not merged:
            self.diagnostics.pop(uri, None)
        out = {"uri": uri, "diagnostics": merged}
        if params.get("version") is not None:
            out["version"] = params["version"]
        self.send_client({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                          "params": out})

    # -- messages from the editor ------------------------------------------------------------

    async def from_client(self, msg: dict[str, Any]) -> None:
        method = msg.get("method")
        if method is None:
            self._client_response(msg)
        elif "id" not in msg:
            self._client_notification(method, msg)
        elif method == "initialize":
            await self._initialize(msg)
        else:
            self._client_request(method, msg)

    def _client_response(self, msg: dict[str, Any]) -> None:
        target = self.to_client.pop(msg.get("id"), None)  # type: ignore[arg-type]
        if target is None:
            log.warning("the editor answered an unknown request id %r", msg.get("id"))
            return
        endpoint, original = target
        endpoint.send({**msg, "id": original})

    def _client_notification(self, method: str, msg: dict[str, Any]) -> None:
        params = msg.get("params")
        if method == "exit":
            self.done.set()
            return
        if method == "$/cancelRequest":
            cid = params.get("id") if isinstance(params, dict) else None
            for endpoint, pid in self.inflight.get(cid, []):
                endpoint.send({"jsonrpc": "2.0", "method": method, "params": {"id": pid}})
            return
        if method in self.tm_methods or method.startswith("$/"):
            self.tracemark.send(msg)
        if method == PARTIAL_ACCEPT:
            self._partially_accepted(params)
        if method == "textDocument/didChange":
            msg = self._change_for_wrapped(msg)
            if msg is None:
                return
        if method not in _SYNC:
            msg = self._restore_commands(msg)
        self.wrapped.send(msg)

    def _change_for_wrapped(self, msg: dict[str, Any]) -> dict[str, Any] | None:
        kind = sync_kind(self.wrapped_caps)
        if kind == 2:
            return msg
        if kind == 0:
            return None
        params = msg.get("params") or {}
        uri = (params.get("textDocument") or {}).get("uri")
        od = self.server.documents.get(uri) if isinstance(uri, str) else None
        if od is None:
            return msg
        return {**msg, "params": {**params, "contentChanges": [{"text": od.text}]}}

    def _client_request(self, method: str, msg: dict[str, Any]) -> None:
        params = msg.get("params")
        cid = msg["id"]
        if method == "shutdown":
            self.shutdown_requested = True
            targets = [self.wrapped, self.tracemark]
        elif method == "workspace/executeCommand":
            command = params.get("command") if isinstance(params, dict) else None
            if command == ACCEPT_COMMAND:
                self._accepted(cid, params)
                return
            targets = [self.tracemark if command in self.tm_commands else self.wrapped]
        elif method in self.tm_methods:
            capability = SHARED.get(method)
            both = capability is not None and self.wrapped_caps.get(capability)
            targets = [self.wrapped, self.tracemark] if both else [self.tracemark]
        else:
            targets = [self.wrapped]
        if self.wrapped in targets:
            params = self._restore_commands({"params": params})["params"]
        sent = [(t, *t.request(method, params)) for t in targets]
        self.inflight[cid] = [(t, pid) for t, pid, _ in sent]
        snapshot = self._completion_context(params) if method == \
            "textDocument/inlineCompletion" else None
        self.spawn(self._answer(cid, method, [fut for _, _, fut in sent], snapshot))

    async def _answer(self, cid: Any, method: str, futures: list[asyncio.Future[Any]],
                      snapshot: tuple[str, int, str, PositionEncoding, dict[str, Any]] | None
                      ) -> None:
        try:
            replies = [await f for f in futures]
        finally:
            self.inflight.pop(cid, None)
        if method == "shutdown":
            self.send_client({"jsonrpc": "2.0", "id": cid, "result": None})
            return
        errors = [r for r in replies if "error" in r]
        results = [r.get("result") for r in replies if "error" not in r]
        if not results:
            self.send_client({"jsonrpc": "2.0", "id": cid, "error": errors[0]["error"]})
            return
        result = merge_results(method, results)
        if snapshot is not None and result is not None:
            result = self._rewrite_items(result, snapshot)
        self.send_client({"jsonrpc": "2.0", "id": cid, "result": result})

    # -- initialize --------------------------------------------------------------------------

    async def _initialize(self, msg: dict[str, Any]) -> None:
        params = msg.get("params") or {}
        wrapped_result: dict[str, Any] = {}
        if self.wrapped.alive:
            _, fut = self.wrapped.request("initialize", params)
            reply = await fut
            if "error" in reply:
                self.notify_user(
                    f"the wrapped server refused initialize ({reply['error'].get('message')}); "
                    "serving tracemark alone", 1)
                self.wrapped.alive = False
            else:
                wrapped_result = reply.get("result") or {}
        caps = wrapped_result.get("capabilities") or {}
        self.wrapped_caps = caps
        info = wrapped_result.get("serverInfo") or {}
        self.wrapped_name = info.get("name")
        encoding = caps.get("positionEncoding") or "utf-16"
        if encoding not in _ENCODINGS:
            encoding = "utf-16"
        ours = copy.deepcopy(params)
        client_caps = ours.setdefault("capabilities", {})
        client_caps.setdefault("general", {})["positionEncodings"] = [encoding]
        # Diagnostics from both are merged when published; tracemark must not wait for pulls.
        (client_caps.get("textDocument") or {}).pop("diagnostic", None)
        _, fut = self.tracemark.request("initialize", ours)
        reply = await fut
        if "error" in reply:
            self.send_client({"jsonrpc": "2.0", "id": msg["id"], "error": reply["error"]})
            return
        tm_result = reply.get("result") or {}
        merged = merge_capabilities(caps, tm_result.get("capabilities") or {}, encoding)
        fm = self.server.protocol.fm  # initialize may have dropped features (pull diagnostics)
        self.tm_methods = set(fm.features) | set(fm.builtin_features)
        name = "tracemark"
        if self.wrapped_name:
            name = f"tracemark (wrapping {self.wrapped_name})"
        result = {"capabilities": merged, "serverInfo": {
            "name": name, "version": (tm_result.get("serverInfo") or {}).get("version")}}
        self.send_client({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    # -- inline completions and their acceptance ---------------------------------------------

    def _completion_context(self, params: Any
                            ) -> tuple[str, int, str, PositionEncoding, dict[str, Any]] | None:
        """What tracemark knows of the document when the editor asks for completions."""
        if not isinstance(params, dict):
            return None
        uri = (params.get("textDocument") or {}).get("uri")
        od = self.server.documents.get(uri) if isinstance(uri, str) else None
        position = params.get("position")
        if od is None or not isinstance(position, dict):
            return None
        return od.uri, od.seq, od.text, od.encoding, position

    def _rewrite_items(self, result: Any,
                       snapshot: tuple[str, int, str, PositionEncoding, dict[str, Any]]) -> Any:
        items = result.get("items") if isinstance(result, dict) else result
        if not isinstance(items, list):
            return result
        uri, seq, text, enc, position = snapshot
        out = []
        for item in items:
            if not isinstance(item, dict):
                out.append(item)
                continue
            token = next(self._tokens)
            original = item.get("command") if isinstance(item.get("command"), dict) else None
            self.offered[token] = Offered(uri, seq, text, enc, item, position, original)
            while len(self.offered) > REMEMBER_ITEMS:
                self.offered.popitem(last=False)
            title = (original or {}).get("title") or "tracemark: record accepted completion"
            out.append({**item, "command": {"title": title, "command": ACCEPT_COMMAND,
                                            "arguments": [token]}})
        return {**result, "items": out} if isinstance(result, dict) else out

    def _restore_commands(self, msg: dict[str, Any]) -> dict[str, Any]:
        """The wrapped server's own commands back in items the editor echoes to it (Copilot's
        ``textDocument/didShowCompletion`` carries the item it showed)."""
        if not self.offered or ACCEPT_COMMAND not in json.dumps(msg.get("params")):
            return msg

        def walk(node: Any) -> Any:
            if isinstance(node, list):
                return [walk(x) for x in node]
            if not isinstance(node, dict):
                return node
            out = {k: walk(v) for k, v in node.items()}
            cmd = out.get("command")
            if isinstance(cmd, dict) and cmd.get("command") == ACCEPT_COMMAND:
                args = cmd.get("arguments") or [None]
                offered = self.offered.get(args[0]) if isinstance(args[0], int) else None
                if offered is not None and offered.command is not None:
                    out["command"] = offered.command
                elif offered is not None:
                    del out["command"]
            return out

        return {**msg, "params": walk(msg.get("params"))}

    def _token_of(self, item: Any) -> int | None:
        cmd = item.get("command") if isinstance(item, dict) else None
        if isinstance(cmd, dict) and cmd.get("command") == ACCEPT_COMMAND:
            args = cmd.get("arguments") or [None]
            return args[0] if isinstance(args[0], int) else None
        return None

    def _partially_accepted(self, params: Any) -> None:
        """Copilot's ``textDocument/didPartiallyAcceptCompletion`` ``{item, acceptedLength}``:
        the editor inserted the first ``acceptedLength`` UTF-16 units of the item."""
        if not isinstance(params, dict):
            return
        token = self._token_of(params.get("item"))
        length = params.get("acceptedLength")
        offered = self.offered.get(token) if token is not None else None
        if offered is None or not isinstance(length, int) or length <= 0:
            return
        try:
            self.mark_accepted(offered, accepted_units=length)
        except Exception:
            log.exception("recording a partially accepted completion failed")

    def _accepted(self, cid: Any, params: dict[str, Any]) -> None:
        """The editor inserted an item and ran its command: mark the text, run the original."""
        args = params.get("arguments") or []
        token = args[0] if args else None
        offered = self.offered.pop(token, None) if isinstance(token, int) else None
        if offered is None:
            self.server.log_client(f"{ACCEPT_COMMAND}: unknown or expired item {token!r}")
            self.send_client({"jsonrpc": "2.0", "id": cid, "result": None})
            return
        try:
            self.mark_accepted(offered)
        except Exception:
            log.exception("recording an accepted completion failed")
        original = offered.command
        if original is None or not original.get("command"):
            self.send_client({"jsonrpc": "2.0", "id": cid, "result": None})
            return
        run = {"command": original["command"]}
        if original.get("arguments") is not None:
            run["arguments"] = original["arguments"]
        pid, fut = self.wrapped.request("workspace/executeCommand", run)
        self.inflight[cid] = [(self.wrapped, pid)]
        self.spawn(self._answer(cid, "workspace/executeCommand", [fut], None))

    def mark_accepted(self, offered: Offered, accepted_units: int | None = None
                      ) -> dict[str, Any] | None:
        """Mark the part of the accepted item (its first ``accepted_units`` UTF-16 units for a
        partial accept) that the AI wrote; what ``markRange`` returns."""
        from tracemark.lsp.capture import parse_mark
        from tracemark.model import Confidence

        od = self.server.documents.get(offered.uri)
        insert = insert_text_of(offered.item)
        if od is None or insert is None:
            return None
        if accepted_units is not None:
            insert = utf16_prefix(insert, accepted_units)
        old = TextIndex(offered.snapshot)
        rng = offered.item.get("range")
        if isinstance(rng, dict):
            a = old.offset_at(rng["start"]["line"], rng["start"]["character"], offered.encoding)
            b = old.offset_at(rng["end"]["line"], rng["end"]["character"], offered.encoding)
        else:
            a = b = old.offset_at(offered.position["line"], offered.position["character"],
                                  offered.encoding)
        a, b = min(a, b), max(a, b)
        expected = a
        if a > 0:  # where the text before the item went since: exact, through the edit log
            moved = od.history.map_offsets(a - 1, a, offered.seq)
            if moved is not None:
                expected = moved[1]
        region = accepted_region(od.text, expected, insert, offered.snapshot[a:b])
        if region is None:
            self.server.log_client(f"{offered.uri}: the accepted completion is not in the "
                                   "document as offered; nothing marked")
            return None
        index = od.doc.index
        sl, sc = index.position_at(region[0], od.encoding)
        el, ec = index.position_at(region[1], od.encoding)
        capture = self.server.features["capture"]
        mark = parse_mark({
            "textDocument": {"uri": od.uri, "version": od.version},
            "range": {"start": {"line": sl, "character": sc},
                      "end": {"line": el, "character": ec}},
            "origin": {"kind": "ai", "tool": self.tool or tool_name(self.wrapped_name,
                                                                    self.command),
                       "model": self.model},
        })
        return capture.apply(mark, source="lsp:proxy", default_confidence=Confidence.EXACT)

    # -- life cycle --------------------------------------------------------------------------

    async def stop(self) -> None:
        self.stopping = True
        proc = self.proc
        if proc is not None and proc.returncode is None:
            if self.wrapped.alive:
                self.wrapped.send({"jsonrpc": "2.0", "method": "exit"})
            with contextlib.suppress(Exception):
                if proc.stdin is not None:
                    proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), EXIT_GRACE)
            except TimeoutError:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), EXIT_GRACE)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
        for task in list(self._tasks):
            task.cancel()
