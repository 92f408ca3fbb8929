"""A minimal synchronous LSP client over pipes, for the start-up and memory benchmarks.

Hand-written (a dozen lines of framing) so that what is measured is the server, not a client
library's start-up or (de)serialisation. Requests from the server are answered with ``null``;
notifications are counted by method, and diagnostics kept per URI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SERVER = [sys.executable, "-m", "tracemark", "serve"]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux ``/proc``), or ``None`` elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> dict[str, float] | None:
    """Resident set size now and at its peak (``VmRSS``, ``VmHWM``), in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    out = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


class Client:
    def __init__(self, cwd: Path, command: list[str] | None = None) -> None:
        self.proc = subprocess.Popen(command or SERVER, cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env={**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0"})
        self.next_id = 0
        self.diagnostics: dict[str, list[Any]] = {}
        self.counts: dict[str, int] = {}

    def send(self, msg: dict[str, Any]) -> None:
        body = json.dumps(msg).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()

    def read(self) -> dict[str, Any]:
        out = self.proc.stdout
        assert out is not None
        length = 0
        while True:
            line = out.readline()
            if not line:
                raise EOFError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(out.read(length))

    def handle(self, msg: dict[str, Any]) -> None:
        method = msg.get("method")
        if method is None:
            return
        if "id" in msg:  # a request to the editor
            self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            return
        self.counts[method] = self.counts.get(method, 0) + 1
        if method == "textDocument/publishDiagnostics":
            self.diagnostics[msg["params"]["uri"]] = msg["params"]["diagnostics"]

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            msg = self.read()
            if msg.get("id") == rid and "method" not in msg:
                if "error" in msg:
                    raise RuntimeError(msg["error"])
                return msg.get("result")
            self.handle(msg)

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def initialize(self, root: Path, **options: Any) -> Any:
        result = self.request("initialize", {
            "processId": os.getpid(), "rootUri": root.as_uri(),
            "capabilities": {"general": {"positionEncodings": ["utf-16"]},
                             "textDocument": {"publishDiagnostics": {"versionSupport": True}}},
            "initializationOptions": {"semgrep": False, **options}})
        self.notify("initialized", {})
        return result

    def pump_until(self, done, timeout: float = 300.0) -> None:
        """Read messages until ``done()`` holds (a cheap request keeps the loop turning)."""
        import time

        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise TimeoutError("the server did not get there in time")
            self.request("textDocument/hover", {"textDocument": {"uri": "untitled:pump"},
                                                "position": {"line": 0, "character": 0}})
            time.sleep(0.05)

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(30)
        except Exception:
            self.proc.kill()
            self.proc.wait()
