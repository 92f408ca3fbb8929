"""Demo step 2: the language server, driven the way an editor plugin drives it.

Starts the real ``tracemark serve`` over stdio, opens a file, inserts a block as an accepted AI
completion and tells the server with ``tracemark/markRange`` (what the Neovim and VS Code
plugins do), then prints what the server reports back: the AI spans (``tracemark/spans``), the
code lens above the block, the hover and the security diagnostic from the fast rules.

The client here is a few lines of standard library (JSON-RPC over the pipe): the demo, like the
rest of the core, does not depend on pygls.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from tracemark.demo import DemoContext

HUMAN = '''\
import subprocess


def greet(name):
    return f"hello {name}"

'''

COMPLETION = '''\
def archive(folder):
    """Compress a folder given by the user."""
    cmd = "tar czf backup.tgz " + folder
    return subprocess.run(cmd, shell=True, check=True)
'''

TIMEOUT = 20.0


class StdioClient:
    """Just enough of an LSP client: requests, notifications, and what the server sends."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(command, cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env={**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0"})
        self.ids = itertools.count(1)
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while (line := out.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not line:
                return
            self.inbox.put(json.loads(out.read(length)))

    def _send(self, msg: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **msg}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        msg_id = next(self.ids)
        self._send({"id": msg_id, "method": method, "params": params})
        msg = self.wait(lambda m: m.get("id") == msg_id and "method" not in m)
        if "error" in msg:
            raise RuntimeError(f"{method}: {msg['error'].get('message')}")
        return msg.get("result")

    def wait(self, match: Any) -> dict[str, Any]:
        """The first message (already seen or still to come) that ``match`` accepts."""
        for msg in self.seen:
            if match(msg):
                self.seen.remove(msg)
                return msg
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                msg = self.inbox.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise RuntimeError("the language server did not answer in time") from None
            if "id" in msg and "method" in msg:  # a request from the server: accept it
                self._send({"id": msg["id"], "result": None})
                continue
            if match(msg):
                return msg
            self.seen.append(msg)

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=5)
        except (RuntimeError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def _lines(rng: dict[str, Any]) -> str:
    first = rng["start"]["line"] + 1
    last = rng["end"]["line"] + (0 if rng["end"]["character"] == 0 else 1)
    return f"line {first}" if first == last else f"lines {first}-{last}"


def run(ctx: DemoContext) -> None:
    ctx.heading("Write code with an assistant, in the editor")
    path = ctx.repo / "archive.py"
    path.write_text(HUMAN, encoding="utf-8")
    uri = path.resolve().as_uri()
    ctx.say("$ tracemark serve      (the language server; this step plays the editor plugin)")
    client = StdioClient([*ctx.tracemark, "serve"], ctx.repo)
    try:
        client.request("initialize", {
            "processId": os.getpid(), "rootUri": ctx.repo.resolve().as_uri(),
            "capabilities": {"general": {"positionEncodings": ["utf-16"]},
                             "textDocument": {"publishDiagnostics": {"versionSupport": True}}},
            "initializationOptions": {"semgrep": False}})
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": HUMAN}})
        ctx.say(f"→ didOpen archive.py: {HUMAN.count(chr(10))} lines a person wrote")

        at = HUMAN.count("\n")
        rng = {"start": {"line": at, "character": 0},
               "end": {"line": at + COMPLETION.count("\n"), "character": 0}}
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": rng["start"], "end": rng["start"]},
                                "text": COMPLETION}]})
        origin = {"kind": "ai", "tool": "copilot", "model": "gpt-4.1"}
        ctx.say(f"→ didChange: an accepted completion inserts {_lines(rng)}")
        client.request("tracemark/markRange", {
            "textDocument": {"uri": uri, "version": 2}, "range": rng, "origin": origin})
        ctx.say(f"→ tracemark/markRange {_lines(rng)} {json.dumps(origin)}")

        spans = client.wait(lambda m: m.get("method") == "tracemark/spans"
                            and any(s["tool"] == "copilot" for s in m["params"]["spans"]))
        for s in spans["params"]["spans"]:
            ctx.say(f"← tracemark/spans: {_lines(s['range'])} {s['kind']} · {s['tool']} "
                    f"{s['model']} ({s['confidence']})")
        lenses = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
        for lens in lenses:
            ctx.say(f"← code lens above line {lens['range']['start']['line'] + 1}: "
                    f"{lens['command']['title']}")
        hover = client.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": at + 2, "character": 4}})
        text = hover["contents"]["value"] if hover else ""
        shown = [x.replace("**", "").replace("`", "").strip("- ") for x in text.splitlines()]
        ctx.say(f"← hover on line {at + 3}: {' | '.join(x for x in shown[:4] if x)}")
        published = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                and m["params"].get("diagnostics"))
        for d in published["params"]["diagnostics"]:
            severity = {1: "error", 2: "warning", 3: "info", 4: "hint"}[d["severity"]]
            href = (d.get("codeDescription") or {}).get("href", "")
            ctx.say(f"← diagnostic line {d['range']['start']['line'] + 1}: {severity} "
                    f"{d['code']} ({d['source']}) {href}")
            ctx.say(f"    {d['message'].splitlines()[0][:96]}")
        ctx.notes["editor_diagnostics"] = [d["code"] for d in published["params"]["diagnostics"]]

        typed = "subprocess.run(cmd, shell=True)\n"
        end = {"line": at + COMPLETION.count("\n"), "character": 0}
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 3},
            "contentChanges": [{"range": {"start": end, "end": end}, "text": typed}]})
        ctx.say(f"→ didChange: a person types {typed.strip()!r} on line {end['line'] + 1}")
        again = client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                            and m["params"].get("version") == 3)
        lines = [d["range"]["start"]["line"] + 1 for d in again["params"]["diagnostics"]]
        ctx.say(f"← diagnostics on lines {lines}: none on line {end['line'] + 1}, the editor "
                "checks what the AI wrote (setting tracemark.scope: ai)")
    finally:
        client.close()
