"""Issue 11, fuzzing the real server (``tracemark serve`` over stdio), bounded in time.

- **JSON-RPC**: random batches of valid and invalid messages written as raw bytes on the
  server's stdin (bad and odd headers, a ``Content-Length`` shorter than the body, bodies that
  are not JSON, not UTF-8 or not JSON-RPC, parameters of the wrong types, unknown methods, huge
  and odd ids, messages split across writes). After every batch a request must get its normal
  answer: the server never dies and never stops answering. (A ``Content-Length`` *longer*
  than the body is not generated: the server then rightly waits for the missing bytes, and any
  stream protocol loses its framing; ``exit`` and ``shutdown`` are left out, they stop a server
  by definition.)
- **Edits**: random edit sequences (positions past the end of lines and of the document,
  positions inside a surrogate pair, reversed ranges, CRLF and lone CR, astral characters and
  lone surrogates, huge inserts) and marks (``tracemark/markRange`` ai / human / reviewed) in
  UTF-16, UTF-8 and UTF-32. The ``tracemark/spans`` the server publishes for the final
  version must say, character by character, what the per-character reference model
  (``tests/reference_model.py``) says.

Each hypothesis run is capped (``max_examples``, no shrinking phase beyond the default, a
deadline per example): the whole file runs in well under a minute on the 2-core machine.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracemark.model import Confidence, Origin, OriginKind

from raw_lsp import RawServer
from reference_model import RefDoc, _line_starts

# -- the server --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _start(root: Path, name: str) -> RawServer:
    """A server in the encoding ``name`` (``rpc``: the protocol fuzz's own, in UTF-16)."""
    encoding = "utf-16" if name == "rpc" else name
    server = RawServer(root)
    got = server.initialize(root, encoding, heuristic=False)
    assert got["result"]["capabilities"]["positionEncoding"] == encoding
    return server


@pytest.fixture(scope="module")
def servers(fuzz_root: Path) -> Iterator[dict[str, RawServer]]:
    """One server per position encoding, shared by the examples (each uses its own URIs), and
    one for the protocol fuzz (random messages may change its settings)."""
    started = {enc: _start(fuzz_root, enc) for enc in ("rpc", "utf-16", "utf-8", "utf-32")}
    yield started
    for s in started.values():
        if s.proc.poll() is None:
            s.shutdown()
        s.close()


FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)

# -- JSON-RPC messages ---------------------------------------------------------------------------

METHODS = [
    "textDocument/didOpen", "textDocument/didChange", "textDocument/didClose",
    "textDocument/didSave", "textDocument/hover", "textDocument/codeAction",
    "textDocument/codeLens", "textDocument/inlayHint", "textDocument/diagnostic",
    "workspace/executeCommand", "workspace/didChangeConfiguration", "tracemark/markRange",
    "$/cancelRequest", "$/setTrace", "initialized", "textDocument/completion",
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=12,
)
IDS = (st.integers(min_value=-(2**80), max_value=2**80) | st.text(max_size=20) | st.none()
       | st.floats(allow_nan=False) | st.lists(st.integers(), max_size=2) | st.just({"a": 1}))
URIS = st.sampled_from(["file:///nowhere/x.py", "untitled:fuzz", "not a uri", "", "file://"])
POSITION = st.fixed_dictionaries({"line": st.integers(-3, 10**12) | JSON,
                                  "character": st.integers(-3, 10**12) | JSON})
PARAMS = st.one_of(
    JSON,
    st.fixed_dictionaries({"textDocument": st.fixed_dictionaries({"uri": URIS}) | JSON,
                           "position": POSITION}),
    st.fixed_dictionaries({
        "textDocument": st.fixed_dictionaries({"uri": URIS, "version": IDS}),
        "range": st.fixed_dictionaries({"start": POSITION, "end": POSITION}) | JSON,
        "origin": st.fixed_dictionaries({"kind": st.sampled_from(["ai", "human", "reviewed",
                                                                  "x"]) | JSON}) | JSON,
        "contentChanges": st.lists(JSON, max_size=2)}),
    st.fixed_dictionaries({"command": st.sampled_from(["tracemark.markSelection",
                                                       "tracemark.markReviewed",
                                                       "tracemark.showProvenance", "nope"]),
                           "arguments": st.lists(JSON, max_size=3) | JSON}),
)


def _frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


@st.composite
def message(draw) -> bytes:
    """One chunk of bytes for the server's stdin."""
    kind = draw(st.sampled_from(["request", "notification", "response", "not-json",
                                 "not-utf8", "not-rpc", "headers", "short-length", "split"]))
    method = draw(st.sampled_from(METHODS) | st.text(max_size=25).filter(
        lambda m: m not in ("exit", "shutdown", "initialize")))
    if kind in ("request", "notification", "split"):
        msg: dict[str, Any] = {"jsonrpc": draw(st.sampled_from(["2.0", "2.0", "1.0", 2])),
                               "method": method}
        if draw(st.booleans()):
            msg["params"] = draw(PARAMS)
        if kind != "notification":
            msg["id"] = draw(IDS)
        body = json.dumps(msg).encode()
        if kind == "split":
            cut = draw(st.integers(0, len(body) + 20))
            framed = _frame(body)
            return framed[:cut] + b"\0SPLIT\0" + framed[cut:]  # written in two pieces
        return _frame(body)
    if kind == "response":
        return _frame(json.dumps({"jsonrpc": "2.0", "id": draw(IDS),
                                  "result": draw(JSON)}).encode())
    if kind == "not-json":
        return _frame(draw(st.sampled_from([b"{", b"[1,", b"nul", b"{\"jsonrpc\": \"2.0\", ",
                                            b"\"\\ud800\"", b"1e999999", b"{}" * 3])))
    if kind == "not-utf8":
        return _frame(draw(st.binary(min_size=1, max_size=40)) + b"\xff\xfe")
    if kind == "not-rpc":
        return _frame(json.dumps(draw(JSON)).encode())
    if kind == "headers":
        return draw(st.sampled_from([
            b"Content-Length: abc\r\n\r\n", b"Content-Length: -5\r\n\r\n",
            b"Content-Type: application/vscode-jsonrpc\r\nX-Odd: 1\r\n\r\n",
            b"content-length: 2\r\n\r\n", b"Content-Length:2\r\n\r\n",
            b"\r\n\r\n\r\n", b"Content-Length: 0\r\n\r\n", b"garbage line\nno cr\n\r\n",
            b"Content-Length: 1.5\r\n", b"x" * 5000 + b"\r\n\r\n",
        ])) + b"\r\n\r\n"
    # short-length: the declared length cuts the body; the rest reads as junk header lines.
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method}).encode()
    cut = draw(st.integers(1, len(body) - 1))
    return b"Content-Length: %d\r\n\r\n%s\r\n\r\n" % (cut, body)


@settings(FUZZ, max_examples=300)
@given(batch=st.lists(message(), min_size=1, max_size=8))
def test_random_json_rpc_never_stops_the_server(servers, batch):
    """Random valid and invalid JSON-RPC, raw on stdin; a request is answered after each
    batch, and requests the server could read get an answer (a result or an error)."""
    server = servers["rpc"]
    for chunk in batch:
        for piece in chunk.split(b"\0SPLIT\0"):
            server.raw(piece)
    server.raw(b"\r\n\r\n")  # resynchronise after junk (a header block ends at a blank line)
    server.alive(timeout=20)
    assert server.proc.poll() is None


def test_well_formed_requests_of_unknown_methods_get_an_error_answer(servers):
    """Not only alive: a readable request with an id is answered, here with an LSP error."""
    server = servers["rpc"]
    for rid, method in ((10**6, "tracemark/nope"), ("s-1", "workspace/nothing")):
        server.raw(_frame(json.dumps({"jsonrpc": "2.0", "id": rid, "method": method,
                                      "params": {}}).encode()))
        got = server.answer(rid)
        assert got["error"]["code"] == -32601, got
    server.alive()


# -- edit sequences against the reference model ------------------------------------------------

# CRLF, lone CR, tabs, a combining sequence, BMP and astral characters, a lone surrogate.
PIECES = ["a", "b", " ", "\t", "\n", "\r\n", "\r", "é", "e\u0301", "😀", "中", "𝒳", "\u2028",
          "\ud83d"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)
HUGE = "x = '😀 line'\r\n" * 6000  # ~80 k characters in one change
COORD = st.integers(min_value=0, max_value=12)
ORIGINS = [
    {"kind": "ai", "tool": "copilot", "model": "gpt-4.1"},
    {"kind": "ai", "tool": "claude-code", "model": "opus"},
    {"kind": "human"},
    {"kind": "reviewed"},
]
OP = st.one_of(
    st.tuples(st.just("edit"), COORD, COORD, COORD, COORD, TEXT),
    st.tuples(st.just("edit"), COORD, COORD, COORD, COORD, st.just(HUGE)),
    st.tuples(st.just("mark"), COORD, COORD, COORD, COORD, st.sampled_from(ORIGINS)),
)


def _origin(o: dict[str, Any]) -> Origin:
    kind = OriginKind(o["kind"])
    conf = Confidence.DECLARED if kind is OriginKind.HUMAN else Confidence.EXACT
    return Origin(kind=kind, tool=o.get("tool"), model=o.get("model"), confidence=conf)


def _model_kinds(ref: RefDoc) -> list[tuple | None]:
    """What the spans notification can say per character: AI origins only."""
    return [None if o is None or not o.kind.is_ai
            else (o.kind.value, o.tool, o.model, o.confidence.value) for o in ref.origins]


def _server_kinds(ref: RefDoc, spans: list[dict[str, Any]], enc: str) -> list[tuple | None]:
    out: list[tuple | None] = [None] * len(ref.chars)
    for sp in spans:
        r = sp["range"]
        a = ref.offset(r["start"]["line"], r["start"]["character"], enc)
        b = ref.offset(r["end"]["line"], r["end"]["character"], enc)
        assert a < b, sp
        for i in range(a, b):
            assert out[i] is None, f"overlapping spans at {i}"
            out[i] = (sp["kind"], sp["tool"], sp["model"], sp["confidence"])
    return out


_counter = iter(range(10**9))


@settings(FUZZ, max_examples=120)
@given(text=TEXT, ops=st.lists(OP, max_size=7),
       encoding=st.sampled_from(["utf-16", "utf-8", "utf-32"]))
def test_edit_sequences_keep_the_spans_of_the_reference_model(servers, text, ops, encoding):
    server = servers[encoding]
    n = next(_counter)
    uri = f"untitled:fuzz-{n}.py"
    ref = RefDoc(list(text))
    version = 1
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": version, "text": text}})
    for op in ops:
        kind, sl, sc, el, ec, arg = op
        a, b = ref.offset(sl, sc, encoding), ref.offset(el, ec, encoding)
        rng = {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}
        if kind == "edit":
            lo, hi = min(a, b), max(a, b)
            if lo == 0 and hi == len(ref.chars) and hi > 0:
                continue  # a range over the whole document is a reload (re-anchored): no edit
            version += 1
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": rng, "text": arg}]})
            ref.edit(a, b, arg, None)
        else:
            got = server.request("tracemark/markRange", {
                "textDocument": {"uri": uri, "version": version}, "range": rng,
                "origin": arg})
            assert "result" in got, got
            lo, hi = min(a, b), max(a, b)
            assert got["result"]["applied"] == (lo < hi)
            if lo < hi:
                if arg["kind"] == "reviewed":
                    ref.review(lo, hi)
                else:
                    ref.mark(lo, hi, _origin(arg))
    # A sentinel claim that certainly changes the spans, so the server publishes the final
    # version: a new line typed past the end of the document, marked by a tool of its own.
    past = len(_line_starts(ref.chars)) + 5
    version += 1
    server.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": [{"range": {"start": {"line": past, "character": 0},
                                      "end": {"line": past, "character": 0}},
                            "text": "\n#s"}]})
    ref.edit(len(ref.chars), len(ref.chars), "\n#s", None)
    last = len(_line_starts(ref.chars)) - 1  # "\r" + "\n" may have become one line break
    sentinel = f"sentinel-{n}"
    got = server.request("tracemark/markRange", {
        "textDocument": {"uri": uri, "version": version},
        "range": {"start": {"line": last, "character": 0},
                  "end": {"line": last, "character": 2}},
        "origin": {"kind": "ai", "tool": sentinel}})
    assert got["result"]["applied"], got
    ref.mark(len(ref.chars) - 2, len(ref.chars), _origin({"kind": "ai", "tool": sentinel}))

    deadline = time.monotonic() + 30
    final = None
    while final is None:
        for note in reversed(server.spans(uri)):
            if note["version"] == version and any(s["tool"] == sentinel for s in note["spans"]):
                final = note
                break
        else:
            assert time.monotonic() < deadline, f"no spans for version {version}"
            time.sleep(0.02)
    assert _server_kinds(ref, final["spans"], encoding) == _model_kinds(ref)
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    server.alive()


# -- what the fuzzing found, kept as plain regression tests --------------------------------------


def _publish_then_alive(server: RawServer, uri: str, text: str, rng: dict[str, Any]) -> None:
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "python", "version": 1, "text": text}})
    got = server.request("tracemark/markRange", {
        "textDocument": {"uri": uri, "version": 1}, "range": rng,
        "origin": {"kind": "ai", "tool": "copilot"}})
    assert got["result"]["applied"], got
    deadline = time.monotonic() + 30
    while not any(n["uri"] == uri for n in server.notes.get("textDocument/publishDiagnostics",
                                                            [])):
        assert time.monotonic() < deadline, "no diagnostics published"
        server.alive()
        time.sleep(0.05)
    server.alive()
    assert server.proc.poll() is None


def test_an_ai_span_in_trailing_blank_lines_does_not_crash_the_fast_tier(servers):
    """py-tree-sitter 0.26 returns a NULL node (not ``None``) for a byte after the last
    statement; touching it is undefined behaviour, which killed the server with SIGSEGV in
    the fuzz runs. The scenario is kept here; the fix avoids the call altogether."""
    _publish_then_alive(servers["utf-16"], "untitled:trailing.py", "x = 1\n\n\n\n\n",
                        {"start": {"line": 2, "character": 0}, "end": {"line": 4, "character": 0}})


def test_a_lone_surrogate_in_a_checked_span_does_not_crash_the_fast_tier(servers):
    """An editor may send a lone surrogate (``"\\ud83d"`` in JSON); the fast tier's text
    predicates then met invalid UTF-8 and the process died."""
    text = "import subprocess\n\ndef f(cmd):\n    subprocess.run('\ud83d' + cmd, shell=True)\n"
    _publish_then_alive(servers["utf-16"], "untitled:surrogate.py", text,
                        {"start": {"line": 2, "character": 0}, "end": {"line": 4, "character": 0}})
    published = [n for n in servers["utf-16"].notes["textDocument/publishDiagnostics"]
                 if n["uri"] == "untitled:surrogate.py"]
    deadline = time.monotonic() + 30
    while not any(d.get("code") == "py-subprocess-shell" for n in published
                  for d in n["diagnostics"]):
        assert time.monotonic() < deadline, published
        time.sleep(0.05)
        published = [n for n in servers["utf-16"].notes["textDocument/publishDiagnostics"]
                     if n["uri"] == "untitled:surrogate.py"]
