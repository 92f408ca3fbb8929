"""Issue 3's robustness list against the real server: positions past the end, stale versions,
unknown URIs, ``untitled:`` documents, a 10 MB document, invalid configuration, malformed
JSON-RPC messages, invalid UTF-8 in a file on disk, and heavy work that must not block the
event loop. Each case gets an LSP error or a logged warning, and the server answers a request
afterwards (``Session.alive``)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from lsp_harness import PAIRS, WAIT, plain
from support import tracemark

BLOCK = "def f(cmd):\n    subprocess.run(cmd, shell=True)\n"


def warnings_of(s) -> list[str]:
    return [m.message for m in s.client.log_messages
            if m.type in (types.MessageType.Warning, types.MessageType.Error)]


def raw_change(doc, rng: dict[str, Any], text: str, version: int) -> None:
    doc.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(**rng["start"]),
                              end=types.Position(**rng["end"])), text=text)]))


async def test_positions_past_the_end_are_clamped_and_reported(lsp, workspace):
    s = await lsp("vscode")
    doc = await s.open(workspace / "p.py", "a = 1\nb = 2\n")
    # A change past the last line: LSP says the end of the document.
    raw_change(doc, {"start": {"line": 40, "character": 0}, "end": {"line": 41, "character": 3}},
               "c = 3\n", doc.version + 1)
    doc.version += 1
    doc.text += "c = 3\n"
    # A character past the end of its line: the end of that line.
    raw_change(doc, {"start": {"line": 0, "character": 99}, "end": {"line": 0, "character": 99}},
               "  # one", doc.version + 1)
    doc.version += 1
    doc.text = doc.text.replace("a = 1", "a = 1  # one")
    # markRange past the end: clamped, and the answer says so.
    result = await doc.mark(types.Range(start=types.Position(line=2, character=0),
                                        end=types.Position(line=70, character=5)))
    assert result["applied"] and result["clamped"]
    await doc.wait_spans(lambda sp: sp)
    assert doc.span_texts() == ["c = 3\n"]  # the server's text is the client's
    assert await doc.hover(types.Position(line=500, character=500)) is None
    assert sum("clamped" in w for w in warnings_of(s)) >= 3
    await s.alive()


async def test_stale_versions(lsp, workspace):
    """markRange for an older version is mapped through the changes since; a version from the
    future is an error; a didChange that goes back in versions is applied and logged."""
    s = await lsp("neovim", "utf-8")
    doc = await s.open(workspace / "v.py", "x = 1\ny = 2\n")
    old_version = doc.version
    target = doc.line_range(1, 2)  # "y = 2\n" in version 1
    doc.insert(types.Position(line=0, character=0), "# new line 🙂\n")  # version 2
    result = await doc.mark(target, version=old_version)
    assert result["mapped"] is True
    await doc.wait_spans(lambda sp: sp)
    assert doc.span_texts() == ["y = 2\n"]

    with pytest.raises(JsonRpcException, match="newer than the server's"):
        await doc.mark(target, version=doc.version + 5)

    raw_change(doc, {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "#", 1)  # version 1 again
    doc.text = "#" + doc.text
    doc.version = 1
    await s.wait(lambda: any("out of order" in w for w in warnings_of(s)))
    lenses = await doc.lenses()
    assert [lens.range.start.line for lens in lenses] == [doc.pos("y = 2").line]
    await s.alive()


async def test_unknown_uris(lsp, workspace):
    s = await lsp("vscode")
    uri = (workspace / "never-opened.py").as_uri()
    ident = types.TextDocumentIdentifier(uri=uri)
    s.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="x")]))
    s.client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=ident))
    s.client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=ident))
    with pytest.raises(JsonRpcException, match="is not open"):
        await s.client.protocol.send_request_async("tracemark/markRange", {
            "textDocument": {"uri": uri}, "origin": {"kind": "ai", "tool": "x"}})
    assert not await s.client.text_document_code_lens_async(types.CodeLensParams(
        text_document=ident))
    assert await s.client.text_document_hover_async(types.HoverParams(
        text_document=ident, position=types.Position(line=0, character=0))) is None
    await s.wait(lambda: sum("not open" in w for w in warnings_of(s)) >= 3)
    await s.alive()


@pytest.mark.parametrize(("profile", "encoding"), PAIRS)
async def test_untitled_documents_are_tracked_and_checked_in_memory(lsp, workspace, profile,
                                                                    encoding):
    s = await lsp(profile, encoding)
    doc = await s.open("untitled:Untitled-1", "import subprocess\n")
    await doc.insert_ai(doc.position(len(doc.text)), BLOCK)
    diags = await doc.wait_diagnostics(lambda d: d)
    assert [d.code for d in diags] == ["py-subprocess-shell"]
    assert [lens.command.title for lens in await doc.lenses()] == [
        "AI · copilot gpt-4.1 · 2 lines · not reviewed"]
    doc.save(to_disk=False)
    doc.close()
    again = await s.open("untitled:Untitled-1", doc.text)
    assert await again.lenses() == []  # nothing to restore an untitled buffer from
    await s.alive()


async def test_a_10_mb_document(lsp, workspace):
    """Opened, edited, marked and answered about; live checks are off past the size limit and
    the log says so."""
    s = await lsp("vscode")
    line = "value = compute(alpha, beta)  # a line of about sixty characters\n"
    text = line * (10 * 1024 * 1024 // len(line) + 1)
    assert len(text) > 10 * 1024 * 1024
    doc = await s.open(workspace / "big.py", text)
    await s.alive()
    await doc.insert_ai(doc.position(len(doc.text)), BLOCK)
    await doc.wait_spans(lambda sp: sp and sp[-1]["tool"] == "copilot")
    assert doc.span_texts()[-1] == BLOCK
    hover = await doc.hover(doc.pos("subprocess.run"))
    assert hover is not None and "copilot" in hover.contents.value
    await s.wait(lambda: any("limit for live checks" in w for w in warnings_of(s)))
    await s.alive()


async def test_heavy_work_does_not_block_the_event_loop(lsp, workspace):
    """A 12,400-line file of call-dense code (slow for tree-sitter queries) checked whole
    (scope all): while the fast tier parses and queries it
    in the background, requests are answered within a small fraction of the time the work
    takes (the first answer also waits for ``didOpen`` itself to be read, so it is left out)."""
    s = await lsp("vscode", init={"scope": "all"})
    steps = "".join(f"    x = helper_{k}(x, {k}) + len(str(x))\n" for k in range(30))
    body = "".join(f"def handler_{i}(x):\n{steps}    return x\n\n" for i in range(400))
    doc = await s.open(workspace / "heavy.py", body + BLOCK.replace("def f", "def last"))
    await doc.hover(types.Position(line=0, character=0))
    started = time.monotonic()
    gaps = []
    while not doc.diagnostics():
        t0 = time.monotonic()
        await asyncio.wait_for(doc.hover(types.Position(line=0, character=0)), WAIT)
        gaps.append(time.monotonic() - t0)
        assert time.monotonic() - started < 120, "the fast tier never finished"
        await asyncio.sleep(0.01)
    total = time.monotonic() - started
    assert [d.code for d in doc.diagnostics()] == ["py-subprocess-shell"]
    assert total > 0.5, "the work was too light to show anything"
    assert max(gaps) < total / 5, (max(gaps), total, len(gaps))


async def test_invalid_configuration_is_reported_and_defaults_are_used(lsp, workspace):
    s = await lsp("vscode", init={"scope": "everything", "heuristic": {"minLines": "many"},
                                  "semgrep": 5, "codeLens": "yes"},
                  configuration=["not", "an", "object"])
    await s.wait(lambda: len([m for m in s.shown() if "setting" in m]) >= 5)
    shown = s.shown()
    assert any('tracemark.scope: expected "ai" or "all"' in m for m in shown), shown
    assert any("tracemark.heuristic.minLines: expected an integer" in m for m in shown)
    assert any("tracemark.semgrep: expected an object" in m for m in shown)
    assert any("settings must be an object" in m for m in shown)
    assert all("\n" not in m for m in shown)  # one line each
    # Defaults apply: the heuristic tags a 3-line insertion, code lenses are on.
    doc = await s.open(workspace / "c.py", "")
    doc.insert(doc.position(0), "a = 1\nb = 2\nc = 3\n")
    await doc.wait_spans(lambda sp: sp)
    assert len(await doc.lenses()) == 1

    odd = await lsp("neovim", init="not an object", raw_init=True)
    await odd.wait(lambda: any("must be an object" in m for m in odd.shown()))
    await odd.alive()


async def test_malformed_json_rpc_messages(lsp, workspace):
    """Bytes that are not JSON, JSON that is not JSON-RPC, a request with broken parameters, an
    unknown method: an error answer or a logged warning each; the server keeps serving."""
    s = await lsp("vscode")
    doc = await s.open(workspace / "m.py", "x = 1\n")
    proto = s.client.protocol
    stdin = s.client._server.stdin  # the real pipe to the server (pygls keeps it here)
    loop = asyncio.get_running_loop()

    def send(body: bytes) -> None:
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def expect(msg_id: str) -> asyncio.Future[Any]:
        # Register the id as ours so pygls' client resolves it with the server's answer.
        fut: asyncio.Future[Any] = loop.create_future()
        proto._request_futures[msg_id] = fut
        return fut

    send(b"{this is not json")
    send(b'["a", "list"]')
    send(json.dumps({"id": 1, "method": "textDocument/hover", "params": {}}).encode())
    send(b"Content-Type: garbage\r\n")  # a header line with no body after it
    broken = expect("broken-hover")
    send(json.dumps({"jsonrpc": "2.0", "id": "broken-hover", "method": "textDocument/hover",
                     "params": {"textDocument": {"uri": doc.uri},
                                "position": {"line": "zero"}}}).encode())
    unknown = expect("unknown-method")
    send(json.dumps({"jsonrpc": "2.0", "id": "unknown-method", "method": "tracemark/nothing",
                     "params": {}}).encode())
    bad_mark = expect("bad-mark")
    send(json.dumps({"jsonrpc": "2.0", "id": "bad-mark", "method": "tracemark/markRange",
                     "params": {"textDocument": {"uri": doc.uri},
                                "range": {"start": {"line": -1}}}}).encode())
    send(json.dumps({"jsonrpc": "2.0", "method": "tracemark/markRange",
                     "params": {"origin": {"kind": "robot"}}}).encode())  # a notification
    await stdin.drain()

    for fut, reason in (
            (broken, "invalid params for textDocument/hover: position.line: invalid literal"),
            (unknown, "tracemark/nothing"),
            (bad_mark, "range.start.line: Input should be greater than or equal to 0")):
        with pytest.raises(JsonRpcException) as err:
            await asyncio.wait_for(fut, WAIT)
        assert reason in str(err.value)
    await s.wait(lambda: any("not valid JSON" in w for w in warnings_of(s)))
    await s.wait(lambda: any("not JSON-RPC 2.0" in w for w in warnings_of(s)))
    await s.wait(lambda: any("tracemark/markRange ignored" in w for w in warnings_of(s)))
    await s.alive()
    assert plain((await doc.mark(doc.line_range(0, 1)))["applied"]) is True


async def test_invalid_utf8_on_disk_is_a_warning_not_a_crash(lsp, repo):
    """The editor shows a file that is not UTF-8 on disk: tracking works in memory, saving to
    the ledger is refused with a logged reason, the ledger stays intact."""
    s = await lsp("neovim", "utf-8", root=repo)
    good = await s.open(repo / "good.py", "ok = 1\n")
    await good.mark(good.line_range(0, 1))
    good.save()
    path = repo / "latin1.py"
    path.write_bytes(b"name = '\xe9t\xe9'\n")  # Latin-1, not UTF-8
    doc = await s.open(path.as_uri(), "name = '\ufffdt\ufffd'\n")
    await doc.mark(doc.line_range(0, 1))
    await doc.wait_spans(lambda sp: sp)
    doc.save(to_disk=False)
    await s.wait(lambda: any("not UTF-8" in w for w in warnings_of(s)), "the refusal")
    assert path.read_bytes() == b"name = '\xe9t\xe9'\n"
    await s.alive()
    proc = tracemark("blame", "good.py", "--json", cwd=repo)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["lines"][0]["kind"] == "ai"


def test_stdin_from_a_regular_file_falls_back_to_the_threaded_reader(tmp_path):
    """The event loop cannot watch a regular file; ``tracemark serve < FILE`` still works."""
    import subprocess
    import sys

    def frame(msg: dict[str, Any]) -> bytes:
        body = json.dumps({"jsonrpc": "2.0", **msg}).encode()
        return b"Content-Length: %d\r\n\r\n" % len(body) + body

    script = tmp_path / "session.bin"
    script.write_bytes(
        frame({"id": 1, "method": "initialize", "params": {"capabilities": {},
                                                            "initializationOptions": {}}})
        + frame({"method": "initialized", "params": {}})
        + frame({"id": 2, "method": "shutdown"}) + frame({"method": "exit"}))
    with script.open("rb") as stdin:
        proc = subprocess.run([sys.executable, "-m", "tracemark", "serve"], stdin=stdin,
                              capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b'"positionEncoding": "utf-16"' in proc.stdout
    assert b'"id": 2, "jsonrpc": "2.0", "result": null' in proc.stdout
