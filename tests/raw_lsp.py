"""A raw JSON-RPC client for ``tracemark serve``: bytes on the server's stdin, frames off its
stdout, nothing in between.

The fuzz and crash suites need what a well-behaved client library will not do: write malformed
headers and bodies, split a message across writes, and ``kill -9`` the server between any two
bytes. Requests are answered through a reader thread; notifications are kept by method.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

WAIT = 60.0


class ServerDied(AssertionError):
    pass


def _key(rid: Any) -> str:
    return json.dumps(rid, sort_keys=True)


class RawServer:
    def __init__(self, cwd: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tracemark", "serve", *args], cwd=cwd,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})})
        self.ids = itertools.count(1)
        self.lock = threading.Condition()
        self.answers: dict[Any, dict[str, Any]] = {}
        self.notes: dict[str, list[dict[str, Any]]] = {}
        self.closed = False
        self.stderr = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._errors = threading.Thread(target=self._drain_stderr, daemon=True)
        self._errors.start()

    # -- reading -----------------------------------------------------------------------------

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for chunk in iter(lambda: self.proc.stderr.read(4096), b""):
            self.stderr = (self.stderr + chunk)[-20000:]

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        return
                    if line in (b"\r\n", b"\n"):
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                if length is None:
                    continue
                msg = json.loads(out.read(length))
                with self.lock:
                    if "method" in msg and "id" in msg:  # a request to the client
                        self._write(json.dumps({"jsonrpc": "2.0", "id": msg["id"],
                                                "result": None}).encode())
                    elif "method" in msg:
                        self.notes.setdefault(msg["method"], []).append(msg.get("params"))
                    else:  # ids may be anything a fuzzer sent: keyed by their JSON
                        self.answers[_key(msg.get("id"))] = msg
                    self.lock.notify_all()
        finally:
            with self.lock:
                self.closed = True
                self.lock.notify_all()

    # -- writing -----------------------------------------------------------------------------

    def _write(self, body: bytes) -> None:
        self.raw(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def raw(self, data: bytes) -> None:
        """Bytes as they are, on the server's stdin."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as err:
            try:
                code = self.proc.wait(5)
            except subprocess.TimeoutExpired:
                code = None
            raise ServerDied(f"the server's stdin is closed ({err}; exit status {code})\n"
                             f"{self.tail()}") from None

    def notify(self, method: str, params: Any) -> None:
        self._write(json.dumps({"jsonrpc": "2.0", "method": method, "params": params}).encode())

    def send_request(self, method: str, params: Any) -> str:
        rid = f"raw-lsp-{next(self.ids)}"  # not an id a fuzzer's own requests would use
        self._write(json.dumps({"jsonrpc": "2.0", "id": rid, "method": method,
                                "params": params}).encode())
        return rid

    def answer(self, rid: Any, timeout: float = WAIT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        key = _key(rid)
        with self.lock:
            while key not in self.answers:
                if self.closed or self.proc.poll() is not None:
                    raise ServerDied(f"the server died (exit {self.proc.poll()}) before "
                                     f"answering {rid!r}\n{self.tail()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no answer to request {rid!r} in {timeout:g} s")
                self.lock.wait(min(left, 0.2))
            return self.answers.pop(key)

    def request(self, method: str, params: Any, timeout: float = WAIT) -> dict[str, Any]:
        return self.answer(self.send_request(method, params), timeout)

    # -- conveniences --------------------------------------------------------------------------

    def initialize(self, root: Path, encoding: str = "utf-16", **options: Any) -> dict[str, Any]:
        got = self.request("initialize", {
            "processId": os.getpid(), "rootUri": root.as_uri(),
            "capabilities": {"general": {"positionEncodings": [encoding]},
                             "textDocument": {"publishDiagnostics": {"versionSupport": True}}},
            "initializationOptions": {"semgrep": False, **options}})
        self.notify("initialized", {})
        return got

    def alive(self, timeout: float = WAIT) -> None:
        """A request that must get its normal answer (hover on a document nobody opened)."""
        got = self.request("textDocument/hover", {
            "textDocument": {"uri": "untitled:alive-check"},
            "position": {"line": 0, "character": 0}}, timeout)
        assert "result" in got and got["result"] is None, got

    def spans(self, uri: str) -> list[dict[str, Any]]:
        with self.lock:
            return [n for n in self.notes.get("tracemark/spans", []) if n["uri"] == uri]

    def tail(self) -> str:
        return self.stderr.decode("utf-8", "replace")[-3000:]

    def kill9(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def shutdown(self) -> int:
        self.request("shutdown", None)
        self.notify("exit", None)
        try:
            return self.proc.wait(30)
        finally:
            self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill9()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
