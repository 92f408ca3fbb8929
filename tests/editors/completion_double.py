"""A test double for an AI completion server (Copilot's language server, for one).

It is a real language server (pygls over stdio) that answers ``textDocument/inlineCompletion``
with a fixed piece of insecure Python, as a model might. It stands in for the AI model, the
only part of the editor scenario that cannot run here. Each item carries a command
(``double.accepted``), as Copilot's items do, so proxy mode can be shown to run the original
command after it has learned what was accepted; executed commands are appended to the file
named by ``--log`` (one JSON object per line).

For proxy tests it can also: keep documents with full-text sync (``--full-sync``), answer
``double.documentText`` with its view of a document, ask the editor for its ``double`` settings
after ``initialized`` (logged), publish a diagnostic of its own (``--lint``), and exit in the
middle of a completion request (``--crash-on-completion``) or take its time (``--slow S``).

Run: ``python completion_double.py [--log FILE] [--no-command] [--full-sync]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

#: What the "model" suggests: a function that runs a shell command (CWE-78).
COMPLETION = "def run(cmd):\n    return subprocess.run(cmd, shell=True)"
ACCEPT_COMMAND = "double.accepted"
TEXT_COMMAND = "double.documentText"


def _plain(value: Any) -> Any:
    """pygls hands unknown notifications' params over as namedtuples: back to JSON shapes."""
    if hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def build(log: Path | None, with_command: bool, *, full_sync: bool = False,
          crash: bool = False, lint: bool = False, slow: float = 0.0) -> LanguageServer:
    kind = types.TextDocumentSyncKind.Full if full_sync else types.TextDocumentSyncKind.Incremental
    server = LanguageServer("completion-double", "1.0", text_document_sync_kind=kind)
    counter = {"n": 0}

    def record(entry: dict[str, object]) -> None:
        if log is not None:
            with log.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry) + "\n")

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        caps = server.client_capabilities.workspace
        if caps is not None and caps.configuration:
            got = await server.workspace_configuration_async(types.ConfigurationParams(
                items=[types.ConfigurationItem(section="double")]))
            record({"configuration": got})

    # pygls advertises inline completion only when given options.
    @server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
    async def inline(params: types.InlineCompletionParams) -> types.InlineCompletionList:
        if slow:
            await asyncio.sleep(slow)  # a slow model: long enough to be cancelled
        if crash:
            os._exit(3)
        doc = server.workspace.get_text_document(params.text_document.uri)
        pos = params.position
        line = doc.lines[pos.line] if pos.line < len(doc.lines) else ""
        typed = line[: pos.character]
        counter["n"] += 1
        command = (types.Command(title="accepted", command=ACCEPT_COMMAND,
                                 arguments=[{"item": counter["n"], "uri": doc.uri}])
                   if with_command else None)
        if typed.strip() and COMPLETION.startswith(typed.lstrip()):
            # The user typed the start of it: replace what was typed, as Copilot does.
            indent = len(typed) - len(typed.lstrip())
            rng = types.Range(start=types.Position(line=pos.line, character=indent), end=pos)
            return types.InlineCompletionList(items=[types.InlineCompletionItem(
                insert_text=COMPLETION, range=rng, command=command)])
        if typed.strip():
            return types.InlineCompletionList(items=[])
        return types.InlineCompletionList(items=[types.InlineCompletionItem(
            insert_text=COMPLETION, range=types.Range(start=pos, end=pos), command=command)])

    if lint:
        # Publishes its own diagnostic for every open document, so proxy mode can be shown to
        # merge both servers' diagnostics rather than let one replace the other.
        def publish(uri: str) -> None:
            server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=[types.Diagnostic(
                    range=types.Range(start=types.Position(line=0, character=0),
                                      end=types.Position(line=0, character=1)),
                    message="from the double", source="double",
                    severity=types.DiagnosticSeverity.Information)]))

        @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
        def opened(params: types.DidOpenTextDocumentParams) -> None:
            publish(params.text_document.uri)

        @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
        def changed(params: types.DidChangeTextDocumentParams) -> None:
            publish(params.text_document.uri)

    @server.feature("textDocument/didShowCompletion")
    def shown(params: Any) -> None:
        # Copilot's notification that an item was shown: the item as the editor has it.
        record({"shown": _plain(params)})

    @server.command(ACCEPT_COMMAND)
    def accepted(ls: LanguageServer, *args: Any) -> dict[str, object]:
        record({"command": ACCEPT_COMMAND, "arguments": list(args)})
        return {"recorded": True}

    @server.command(TEXT_COMMAND)
    def document_text(ls: LanguageServer, uri: str) -> str:
        return server.workspace.get_text_document(uri).source

    return server


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--log", type=Path, help="append executed commands here")
    p.add_argument("--no-command", action="store_true", help="items carry no command")
    p.add_argument("--full-sync", action="store_true", help="ask for full-text document sync")
    p.add_argument("--crash-on-completion", action="store_true",
                   help="exit when asked for a completion")
    p.add_argument("--lint", action="store_true", help="publish a diagnostic per document")
    p.add_argument("--slow", type=float, default=0.0, help="seconds before each completion")
    args = p.parse_args(argv)
    if args.log is not None:
        with args.log.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"started": os.getpid()}) + "\n")
    build(args.log, not args.no_command, full_sync=args.full_sync,
          crash=args.crash_on_completion, lint=args.lint, slow=args.slow).start_io()
    return 0


if __name__ == "__main__":
    sys.exit(main())
