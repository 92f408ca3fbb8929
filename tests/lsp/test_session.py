"""Issue 3's end-to-end scenario with the real ``tracemark serve``, as Neovim and VS Code would
drive it, in UTF-8 and UTF-16:

open → ``tracemark/markRange`` → edits above, inside and across the span → hover, code lens,
``tracemark/spans`` (coalesced) → save → close → reopen (and a server restart), with the spans
still right; spans an agent hook records in the ledger while the file is open are picked up and
not overwritten.
"""

from __future__ import annotations

import json

import pytest
from lsprotocol import types

from lsp_harness import MATRIX, PAIRS
from support import tracemark

BEFORE = "import os\n\n# héllo 🙂 (non-ASCII before the block)\nx = 1\n"
BLOCK = ("def greet(name):\n"
         "    msg = f'bonjour {name} 🙂 déjà'\n"
         "    return msg.upper()\n")
AFTER = "\nprint(greet('you'))\n"


def kinds(doc) -> list[tuple[str, str]]:
    return [(s["kind"], doc.text_in(s["range"])) for s in doc.spans() or []]


async def wait_copilot(doc, what: str = "the copilot span"):
    return await doc.wait_spans(lambda sp: sp and all(s["tool"] == "copilot" for s in sp), what)


@pytest.mark.parametrize(("profile", "encoding"), MATRIX)
async def test_open_mark_edit_show_save_close_reopen(lsp, repo, profile, encoding):
    s = await lsp(profile, encoding, root=repo)
    path = repo / "pkg" / "hello.py"
    doc = await s.open(path, BEFORE + AFTER)

    # markRange, as a plugin sends it after an accepted completion.
    at = doc.pos("\nprint")
    rng = await doc.insert_ai(at, BLOCK, tool="copilot", model="gpt-4.1")
    assert doc.text_in(rng) == BLOCK
    await wait_copilot(doc)
    assert doc.span_texts() == [BLOCK]
    sent = s.spans[doc.uri][-1]
    assert sent["version"] == doc.version
    assert sent["spans"][0] | {"range": None} == {
        "range": None, "kind": "ai", "tool": "copilot", "model": "gpt-4.1",
        "confidence": "exact"}

    # Edit above: the span moves with its text.
    doc.insert(types.Position(line=0, character=0), "# a line typed above 🙂\n")
    await wait_copilot(doc, "the span after the edit above")
    assert doc.span_texts() == [BLOCK]

    # Edit inside: the edited line becomes ai-modified, the typed word is not AI.
    doc.replace("upper()", "title()")
    spans = await doc.wait_spans(lambda sp: any(s["kind"] == "ai-modified" for s in sp))
    texts = "".join(doc.text_in(s["range"]) for s in spans)
    assert "title" not in texts
    assert ("ai", "def greet(name):\n    msg = f'bonjour {name} 🙂 déjà'\n") in kinds(doc)
    assert {k for k, _ in kinds(doc)} == {"ai", "ai-modified"}

    # Edit across the span's start: "x = 1\ndef greet" → "x = 2\ndef hello".
    doc.change(types.Range(start=doc.pos("= 1"), end=doc.pos("(name):")), "= 2\ndef hello")
    await doc.wait_spans(lambda sp: sp, "the spans after the edit across")
    covered = "".join(doc.text_in(s["range"]) for s in doc.spans())
    assert "hello" not in covered and "x = 2" not in covered
    assert "(name):\n" in covered and "bonjour {name} 🙂 déjà" in covered

    # Hover on an AI line: tool, model, when, kind.
    hover = await doc.hover(doc.pos("bonjour"))
    assert hover is not None
    text = hover.contents.value
    assert "copilot" in text and "gpt-4.1" in text and "(`ai`)" in text
    assert "written: 20" in text and "not reviewed" in text
    edited = await doc.hover(doc.pos("return msg"))
    assert edited is not None and "`ai-modified`" in edited.contents.value
    assert await doc.hover(doc.pos("import os")) is None  # human lines: no hover

    # Code lens above the block.
    lenses = await doc.lenses()
    assert len(lenses) == 1
    first_ai_line = doc.pos("(name):").line
    assert lenses[0].range.start.line == first_ai_line
    assert lenses[0].command.title == "AI · copilot gpt-4.1 · 3 lines (2 edited) · not reviewed"
    assert lenses[0].command.command == "tracemark.showProvenance"

    # Save: the ledger has the spans (the real CLI reads them back).
    expected = kinds(doc)
    doc.save()
    blame = await s.wait(lambda: _blame(repo, "pkg/hello.py", kinds={"ai", "ai-modified"}),
                         "the spans in the ledger after save")
    ai_lines = [e["line"] for e in blame if e["kind"] in ("ai", "ai-modified")]
    assert ai_lines == [first_ai_line + 1, first_ai_line + 2, first_ai_line + 3]
    assert {e["tool"] for e in blame if e["kind"] != "human"} <= {"copilot", None}

    # Close, reopen: the spans are back on the same text.
    doc.close()
    again = await s.open(path, doc.text)
    await again.wait_spans(lambda sp: sp, "the spans restored on reopen")
    assert kinds(again) == expected

    # A new server (editor restart): restored from the ledger as well.
    s2 = await lsp(profile, encoding, root=repo)
    third = await s2.open(path, doc.text)
    await third.wait_spans(lambda sp: sp, "the spans after a restart")
    assert kinds(third) == expected
    lenses = await third.lenses()
    assert [lens.command.title for lens in lenses] == [
        "AI · copilot gpt-4.1 · 3 lines (2 edited) · not reviewed"]


def _blame(repo, rel: str, kinds: set[str]) -> list[dict] | None:
    proc = tracemark("blame", rel, "--json", cwd=repo)
    if proc.returncode != 0:
        return None
    data = json.loads(proc.stdout)
    assert data["schema"] == "tracemark/blame/v1"
    lines = data["lines"]
    return lines if any(e["kind"] in kinds for e in lines) else None


@pytest.mark.parametrize(("profile", "encoding"), PAIRS)
async def test_spans_notifications_are_coalesced(lsp, workspace, profile, encoding):
    """Forty keystrokes above an AI block: far fewer than forty ``tracemark/spans``, the last
    one for the last version and right."""
    s = await lsp(profile, encoding)
    doc = await s.open(workspace / "a.py", "x = 1\n")
    await doc.insert_ai(doc.position(len(doc.text)), BLOCK)
    await wait_copilot(doc)
    before = len(s.spans[doc.uri])
    doc.type_text(types.Position(line=0, character=0), "# typed 🙂 one key at a time é..\n")
    await wait_copilot(doc, "the notification for the last keystroke")
    sent = len(s.spans[doc.uri]) - before
    assert 1 <= sent < 10, sent
    assert doc.span_texts() == [BLOCK]
    # Nothing changed for the spans: no new notification for a request round trip.
    count = len(s.spans[doc.uri])
    await doc.hover(types.Position(line=0, character=0))
    await doc.lenses()
    assert len(s.spans[doc.uri]) == count


async def test_agent_hook_spans_recorded_while_open_are_picked_up_not_overwritten(lsp, repo):
    """``tracemark mark`` (what agent hooks do) writes to the ledger while the editor has the
    file open: the server merges it; the editor's own span stays; a save keeps both."""
    s = await lsp("neovim", "utf-8", root=repo, init={"ledgerPollSeconds": 0.2})
    path = repo / "agent.py"
    text = "a = 1\nb = 2\nc = 3\nd = 4\n"
    doc = await s.open(path, text)
    await doc.mark(doc.line_range(0, 1), tool="copilot")
    await doc.wait_spans(lambda sp: len(sp) == 1)
    doc.save()
    await s.wait(lambda: _blame(repo, "agent.py", {"ai"}), "the first save in the ledger")
    proc = tracemark("mark", "agent.py", "--lines", "3-4", "--tool", "claude-code",
                     "--model", "claude-sonnet-4", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    spans = await doc.wait_spans(lambda sp: {x["tool"] for x in sp} == {"copilot", "claude-code"},
                                 "the agent's span picked up from the ledger")
    assert [(x["tool"], doc.text_in(x["range"])) for x in spans] == [
        ("copilot", "a = 1\n"), ("claude-code", "c = 3\nd = 4\n")]
    doc.save()
    blame = await s.wait(lambda: _blame(repo, "agent.py", {"ai"}))
    assert [(e["line"], e["tool"]) for e in blame if e["kind"] == "ai"] == [
        (1, "copilot"), (3, "claude-code"), (4, "claude-code")]


async def test_utf32_positions(lsp, workspace):
    """The third LSP encoding: characters are code points (an emoji is one, not two or four)."""
    s = await lsp("neovim", "utf-32")
    doc = await s.open(workspace / "u32.py", "import subprocess\n# 🙂🙂 é\n")
    rng = await doc.insert_ai(doc.position(len(doc.text)),
                              "def f(c):\n    x = '🙂'; subprocess.run(c, shell=True)\n")
    assert rng.start.line == 2
    await wait_copilot(doc)
    diags = await doc.wait_diagnostics(lambda d: d)
    assert diags[0].range.start.character == len("    x = '🙂'; ")  # code points
    assert doc.text_in(diags[0].range) == "subprocess.run(c, shell=True)"
    doc.insert(doc.pos("🙂🙂", delta=1), "é\n#")  # splits the comment: the span moves down
    await wait_copilot(doc)
    assert doc.span_texts() == ["def f(c):\n    x = '🙂'; subprocess.run(c, shell=True)\n"]
