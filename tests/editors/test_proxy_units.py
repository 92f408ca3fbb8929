"""Proxy mode's pure parts (issue 10): where an accepted completion landed, snippets, merging,
and the JSON-RPC framing, without processes."""

from __future__ import annotations

import asyncio

import pytest

from tracemark.lsp.proxy import (
    ACCEPT_COMMAND,
    FramingError,
    accepted_region,
    frame,
    merge_capabilities,
    merge_results,
    read_message,
    snippet_text,
    tool_name,
    utf16_prefix,
)


def test_accepted_region_is_the_inserted_text_where_it_was_offered() -> None:
    doc = "import os\n\ndef run(cmd):\n    pass\n"
    start = doc.index("def")
    assert accepted_region(doc, start, "def run(cmd):\n    pass", "") == (start, start + 22)


def test_accepted_region_leaves_what_the_user_typed_human() -> None:
    """The item replaced typed "def r": only what follows is the AI's."""
    doc = "x\ndef run(cmd):\n    pass\n"
    start = doc.index("def")
    assert accepted_region(doc, start, "def run(cmd):\n    pass", "def r") == (start + 5,
                                                                              start + 22)


def test_accepted_region_skips_an_auto_closed_suffix() -> None:
    doc = "f(abc)\n"
    # The item "abc)" replaced an auto-inserted ")" after the cursor.
    assert accepted_region(doc, 2, "abc)", ")") == (2, 5)


def test_accepted_region_finds_text_that_moved_and_gives_up_when_absent() -> None:
    doc = "# new header\nimport os\nprint('hi')\n"
    at = doc.index("print")
    assert accepted_region(doc, at - 13, "print('hi')", "") == (at, at + 11)
    assert accepted_region(doc, 0, "nothing like it", "") is None
    assert accepted_region(doc, 0, "", "") is None


def test_snippet_text_uses_placeholder_defaults() -> None:
    assert snippet_text("def ${1:name}($2):\n\t${3|pass,return|}$0") == "def name():\n\tpass"
    assert snippet_text(r"cost \$5 ${1}") == "cost $5 "


def test_merge_capabilities_keeps_both_command_lists_and_the_wrapped_encoding() -> None:
    wrapped = {"inlineCompletionProvider": {}, "textDocumentSync": 1,
               "executeCommandProvider": {"commands": ["github.copilot.didAcceptCompletionItem"]},
               "hoverProvider": False}
    ours = {"hoverProvider": True, "codeLensProvider": {"resolveProvider": False},
            "executeCommandProvider": {"commands": ["tracemark.markSelection"]},
            "textDocumentSync": {"openClose": True, "change": 2}}
    merged = merge_capabilities(wrapped, ours, "utf-8")
    assert merged["inlineCompletionProvider"] == {}
    assert merged["hoverProvider"] is True and merged["codeLensProvider"]
    assert merged["executeCommandProvider"]["commands"] == [
        "github.copilot.didAcceptCompletionItem", "tracemark.markSelection", ACCEPT_COMMAND]
    assert merged["textDocumentSync"]["change"] == 2
    assert merged["positionEncoding"] == "utf-8"


def test_merge_results_concatenates_lists_and_joins_hovers() -> None:
    assert merge_results("textDocument/codeLens", [[1], None, [2, 3]]) == [1, 2, 3]
    assert merge_results("textDocument/codeLens", [None, None]) is None
    hover = merge_results("textDocument/hover", [
        {"contents": {"kind": "plaintext", "value": "from the wrapped server"}},
        {"contents": {"kind": "markdown", "value": "**AI** line"}}])
    assert hover["contents"]["value"] == "from the wrapped server\n\n---\n\n**AI** line"
    assert merge_results("textDocument/definition", [None, {"uri": "x"}]) == {"uri": "x"}


def test_utf16_prefix_counts_as_editors_do() -> None:
    """Partial accepts report UTF-16 units; a character outside the BMP counts two."""
    assert utf16_prefix("a𝄞bc", 3) == "a𝄞"
    assert utf16_prefix("a𝄞bc", 2) == "a𝄞", "never half a surrogate pair"
    assert utf16_prefix("abc", 10) == "abc"
    assert utf16_prefix("abc", 0) == ""


def test_tool_name_from_the_wrapped_server() -> None:
    assert tool_name("GitHub Copilot Language Server", ["copilot-language-server"]) == "copilot"
    assert tool_name(None, ["/usr/bin/my-ai-ls", "--stdio"]) == "my-ai-ls"
    assert tool_name("Some LS 2", []) == "some-ls-2"


async def _read_all(data: bytes) -> list[bytes | None]:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    reader.feed_eof()
    out = []
    while True:
        try:
            body = await read_message(reader)
        except FramingError as err:
            out.append(str(err).encode())
            continue
        out.append(body)
        if body is None:
            return out


async def test_framing_round_trip_with_extra_headers_and_utf8() -> None:
    body = '{"jsonrpc":"2.0","method":"x","params":{"t":"é→𝄞"}}'.encode()
    data = frame(body) + b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" + \
        b"Content-Length: 2\r\n\r\n{}"
    assert await _read_all(data) == [body, b"{}", None]


async def test_framing_rejects_a_message_without_length() -> None:
    out = await _read_all(b"Content-Type: x\r\n\r\n" + frame(b"{}"))
    assert out[0] == b"message without a Content-Length header"
    assert out[1:] == [b"{}", None]


@pytest.mark.parametrize("data", [b"Content-Length: 10\r\n\r\n{}", b"Content-Len"])
async def test_framing_truncated_stream_ends_cleanly(data: bytes) -> None:
    assert await _read_all(data) == [None]
