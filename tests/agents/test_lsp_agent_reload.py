"""Issue 9 end to end: lines an agent writes while ``tracemark serve`` has the file open stay AI
after the editor reloads the buffer.

The real server runs as a subprocess over stdio (pytest-lsp's client); the agent's hooks are the
real ``tracemark record --hook claude`` (PostToolUse on the default, background path, as Claude
Code runs it); the editor's reload is a ``didChange`` with the file's new text. The
``tracemark/spans`` notification for the reloaded version must show the agent's lines as AI.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from support import tracemark

WAIT = 20.0
BEFORE = "import subprocess\n\n\ndef greet(name):\n    return f'hello {name}'\n"
ADDED = ("\n\ndef run(cmd):\n"
         "    return subprocess.run(cmd, shell=True, check=False)\n")
AFTER = BEFORE + ADDED


def plain(obj: Any) -> Any:
    if hasattr(obj, "_asdict"):
        return {k: plain(v) for k, v in obj._asdict().items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    return obj


class Editor:
    def __init__(self, client: LanguageClient) -> None:
        self.client = client
        self.spans: list[dict[str, Any]] = []

    async def wait_spans(self, version: int, predicate) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for note in reversed(self.spans):
                if note["version"] == version and predicate(note["spans"]):
                    return note
            await asyncio.sleep(0.05)
        raise AssertionError(f"no tracemark/spans for version {version} matched; got "
                             f"{json.dumps(self.spans[-3:])}")


@pytest_asyncio.fixture
async def editor(repo: Path) -> AsyncIterator[Editor]:
    """A small editor: the real ``tracemark serve``, spans notifications collected."""
    client = LanguageClient()
    ed = Editor(client)

    def on_spans(_client: LanguageClient, params: Any) -> None:
        ed.spans.append(plain(params))

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, "tracemark/spans": on_spans})
    await client.start_io(sys.executable, "-m", "tracemark", "serve", env=dict(os.environ))
    await client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(),
        initialization_options={"semgrep": False, "ledgerPollSeconds": 0.2},
        root_uri=repo.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=repo.as_uri(), name="repo")]))
    yield ed
    try:
        await asyncio.wait_for(client.shutdown_session(), WAIT)
    finally:
        await client.stop()


def hook(repo: Path, event: str, *, sync: bool) -> None:
    payload = {"session_id": "sess-e2e", "transcript_path": "", "cwd": str(repo),
               "hook_event_name": event, "tool_name": "Edit", "tool_use_id": "toolu_9",
               "tool_input": {"file_path": str(repo / "app.py"),
                              "old_string": "    return f'hello {name}'\n",
                              "new_string": "    return f'hello {name}'\n" + ADDED}}
    args = ["record", "--hook", "claude"] + (["--sync"] if sync else [])
    out = tracemark(*args, cwd=repo, input=json.dumps(payload))
    assert out.returncode == 0 and out.stderr == "", out.stderr


def agent_lines(spans: list[dict[str, Any]]) -> set[int]:
    """Lines (0-based) covered by claude-code AI spans."""
    out = set()
    for s in spans:
        if s["kind"] == "ai" and s["tool"] == "claude-code" and s["confidence"] == "exact":
            r = s["range"]
            last = r["end"]["line"] - (1 if r["end"]["character"] == 0 else 0)
            out.update(range(r["start"]["line"], last + 1))
    return out


def wait_ledger(repo: Path) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        out = tracemark("blame", "app.py", "--json", cwd=repo)
        if out.returncode == 0 and any(ln["tool"] == "claude-code"
                                       for ln in json.loads(out.stdout)["lines"]):
            return
        time.sleep(0.1)
    raise AssertionError("the agent's lines never reached the ledger")


@pytest.mark.parametrize("reload", ["at-once", "after-the-ledger-has-it", "ranged-insert"])
async def test_agent_lines_written_while_open_stay_ai_after_the_editor_reloads(
        repo: Path, editor: Editor, reload: str):
    app = repo / "app.py"
    app.write_text(BEFORE)
    uri = app.as_uri()
    editor.client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1,
                                             text=BEFORE)))
    await asyncio.to_thread(hook, repo, "PreToolUse", sync=True)
    app.write_text(AFTER)  # the agent's Edit, on disk, while the editor shows the old text
    await asyncio.to_thread(hook, repo, "PostToolUse", sync=False)  # as Claude Code runs it
    if reload == "after-the-ledger-has-it":
        await asyncio.to_thread(wait_ledger, repo)
        await asyncio.sleep(0.6)  # the server's poll sees a record for a text it has not yet
    if reload == "ranged-insert":  # how an editor that diffs on reload sends it
        end = types.Position(line=5, character=0)
        change: Any = types.TextDocumentContentChangePartial(
            range=types.Range(start=end, end=end), text=ADDED)
    else:
        change = types.TextDocumentContentChangeWholeDocument(text=AFTER)
    editor.client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[change]))
    want = set(range(5, 9))  # 0-based: the blank lines and run() that the Edit added
    note = await editor.wait_spans(2, lambda spans: agent_lines(spans) == want)
    assert all(s["kind"] == "ai" for s in note["spans"])
    assert not agent_lines(note["spans"]) & set(range(5))  # the person's lines are not AI

    # Saving the buffer afterwards keeps the agent's claim in the ledger.
    editor.client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    await asyncio.sleep(0.5)
    lines = json.loads(tracemark("blame", "app.py", "--json", cwd=repo).stdout)["lines"]
    assert [ln["line"] for ln in lines if ln["tool"] == "claude-code"] == [6, 7, 8, 9]
