"""Issue 3's commands and code actions through the real server: ``tracemark.markSelection``,
``tracemark.markReviewed``, ``tracemark.showProvenance``, and the code actions "Mark as
reviewed" / "Mark as written by hand" that run them."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from lsp_harness import PAIRS

TEXT = "import os\n\n# ✓ é\nx = 1\ny = 2\nz = 3\n"


@pytest.mark.parametrize(("profile", "encoding"), PAIRS)
async def test_mark_selection_reviewed_and_provenance(lsp, workspace, profile, encoding):
    s = await lsp(profile, encoding)
    doc = await s.open(workspace / "m.py", TEXT)

    # markSelection: the object form, as a plugin's "mark selection as AI" command sends it.
    result = await doc.command("tracemark.markSelection", {
        "textDocument": {"uri": doc.uri, "version": doc.version},
        "range": doc.plain_range(doc.line_range(3, 5)),
        "origin": {"kind": "ai", "tool": "chatgpt", "model": "gpt-4o"}})
    assert result["applied"] is True
    spans = await doc.wait_spans(lambda sp: sp)
    assert [(x["tool"], x["confidence"], doc.text_in(x["range"])) for x in spans] == [
        ("chatgpt", "declared", "x = 1\ny = 2\n")]

    # showProvenance on a line, on the whole document.
    line = await doc.command("tracemark.showProvenance", doc.uri, {"line": 3, "character": 0})
    assert line.startswith("m.py:4: ai · chatgpt gpt-4o · ")
    assert line.endswith("declared · not reviewed")
    whole = await doc.command("tracemark.showProvenance", {"textDocument": {"uri": doc.uri}})
    assert whole.splitlines()[0] == "m.py: 2 of 6 lines AI-written (33%)"
    assert "lines 4–5: chatgpt gpt-4o" in whole

    # markReviewed: lens and hover say so.
    await doc.command("tracemark.markReviewed", doc.uri, doc.plain_range(doc.line_range(3, 5)))
    await doc.wait_spans(lambda sp: sp and sp[0]["kind"] == "reviewed")
    lenses = await doc.lenses()
    assert [lens.command.title for lens in lenses] == [
        "AI · chatgpt gpt-4o · 2 lines · reviewed"]
    hover = await doc.hover(types.Position(line=4, character=0))
    assert hover is not None and "- reviewed" in hover.contents.value

    # The code lens's own command shows the block's provenance in a message.
    shown = len(s.client.messages)
    await doc.command(lenses[0].command.command, *lenses[0].command.arguments)
    await s.wait(lambda: len(s.client.messages) > shown)
    assert s.client.messages[-1].message.startswith("m.py:4-5")


@pytest.mark.parametrize(("profile", "encoding"), PAIRS)
async def test_code_actions_mark_reviewed_and_written_by_hand(lsp, workspace, profile,
                                                              encoding):
    s = await lsp(profile, encoding)
    doc = await s.open(workspace / "c.py", TEXT)
    await doc.mark(doc.line_range(3, 6), tool="copilot")
    await doc.wait_spans(lambda sp: sp)

    # Cursor inside the block: both actions, for the whole block.
    cursor = types.Range(start=types.Position(line=4, character=1),
                         end=types.Position(line=4, character=1))
    actions = await doc.code_actions(cursor, only=["refactor.tracemark"])
    titles = [a.title for a in actions]
    assert titles == ["Mark as reviewed (lines 4–6)", "Mark as written by hand (lines 4–6)"]
    assert all(a.kind == "refactor.tracemark" for a in actions)
    # No mark actions on a human line.
    assert await doc.code_actions(doc.line_range(0, 0), only=["refactor.tracemark"]) == []

    # "Mark as reviewed": the client runs the action's command.
    review = actions[0].command
    await doc.command(review.command, *review.arguments)
    await doc.wait_spans(lambda sp: sp and all(x["kind"] == "reviewed" for x in sp))
    actions = await doc.code_actions(cursor, only=["refactor.tracemark"])
    assert [a.title for a in actions] == ["Mark as written by hand (lines 4–6)"]

    # "Mark as written by hand": the lines are no longer AI.
    human = actions[0].command
    await doc.command(human.command, *human.arguments)
    await doc.wait_spans(lambda sp: sp == [])
    assert await doc.lenses() == []
    assert await doc.hover(types.Position(line=4, character=0)) is None


async def test_commands_with_bad_arguments_get_an_lsp_error(lsp, workspace):
    """Wrong arguments are an LSP error with a reason; the server keeps serving."""
    s = await lsp("vscode")
    doc = await s.open(workspace / "e.py", TEXT)
    cases = [
        ("tracemark.markSelection", [{"textDocument": {"uri": doc.uri}}], "a range is required"),
        ("tracemark.markSelection", [42], "expected one object"),
        ("tracemark.markReviewed", ["untitled:not-open", None], "is not open"),
        ("tracemark.showProvenance", [], "expected"),
        ("tracemark.showProvenance", [doc.uri, {"line": -3}], "malformed position"),
    ]
    for name, args, reason in cases:
        with pytest.raises(JsonRpcException) as err:
            await doc.command(name, *args)
        assert reason in str(err.value), (name, err.value)
    await s.alive()


async def test_inlay_hints_when_switched_on(lsp, workspace):
    """Setting ``inlayHints`` (off by default): a hint after the first line of each AI block,
    for editors that show inlay hints but not code lenses."""
    s = await lsp("neovim", "utf-8", init={"inlayHints": True, "codeLens": False})
    doc = await s.open(workspace / "i.py", TEXT)
    await doc.mark(doc.line_range(3, 5), tool="copilot", model="gpt-4.1")
    await doc.wait_spans(lambda sp: sp)
    hints = await s.client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=doc.uri), range=doc.line_range(0, 6)))
    assert [(h.position.line, h.position.character, h.label) for h in hints] == [
        (3, len("x = 1"), "AI copilot gpt-4.1 ×2")]
    assert await doc.lenses() == []  # codeLens: false

    off = await lsp("vscode")
    doc2 = await off.open(workspace / "j.py", TEXT)
    await doc2.mark(doc2.line_range(3, 5))
    await doc2.wait_spans(lambda sp: sp)
    assert not await off.client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=doc2.uri), range=doc2.line_range(0, 6)))
