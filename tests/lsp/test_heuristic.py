"""Issue 3's insertion heuristic through the real server, and its configuration.

One change event that inserts several lines is tagged ``ai`` with ``tool: "unknown"`` and
``confidence: "heuristic"``; typing is not; the threshold and the switch come from
``initializationOptions`` and ``workspace/configuration`` (changed live). Negative checks use a
request answered after the change (the code lens) as the point where the server has judged it.
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_harness import PAIRS

PASTE4 = "def total(items):\n    s = 0\n    for i in items:\n        s += i\n"
PASTE2 = "a = compute()\nb = a * 2\n"


async def lens_titles(doc) -> list[str]:
    return [lens.command.title for lens in await doc.lenses()]


@pytest.mark.parametrize(("profile", "encoding"), PAIRS)
async def test_multiline_insert_is_tagged_typing_is_not(lsp, workspace, profile, encoding):
    s = await lsp(profile, encoding)
    doc = await s.open(workspace / "h.py", "# é 🙂\nx = 1\n")
    doc.type_text(doc.position(len(doc.text)), "y = 2\nz = 3\nw = 4\n")  # typed: not tagged
    assert await lens_titles(doc) == []
    doc.insert(doc.position(len(doc.text)), PASTE4)  # one event, four lines: tagged
    spans = await doc.wait_spans(lambda sp: sp)
    assert [(x["kind"], x["tool"], x["model"], x["confidence"]) for x in spans] == [
        ("ai", "unknown", None, "heuristic")]
    assert doc.span_texts() == [PASTE4]
    assert await lens_titles(doc) == ["AI · unknown (guessed) · 4 lines · not reviewed"]
    doc.insert(doc.position(len(doc.text)), PASTE2)  # two lines: below the default of three
    assert await lens_titles(doc) == ["AI · unknown (guessed) · 4 lines · not reviewed"]


async def test_undo_and_reformat_are_not_tagged(lsp, workspace):
    """Text deleted moments ago coming back (undo, move), or the same code re-indented."""
    s = await lsp("vscode")
    doc = await s.open(workspace / "u.py", "x = 1\n" + PASTE4 + "y = 2\n")
    doc.replace(PASTE4, "")
    doc.insert(doc.pos("y = 2"), PASTE4)  # undo
    doc.replace(PASTE4, PASTE4.replace("    ", "  "))  # reformat
    assert await lens_titles(doc) == []


async def test_threshold_and_switch_from_initialization_options(lsp, workspace):
    s = await lsp("neovim", "utf-8", init={"heuristic": {"minLines": 6}})
    doc = await s.open(workspace / "t.py", "")
    doc.insert(doc.position(0), PASTE4)
    assert await lens_titles(doc) == []
    six = "".join(f"v{i} = {i}\n" for i in range(6))
    doc.insert(doc.position(len(doc.text)), six)
    await doc.wait_spans(lambda sp: sp)
    assert doc.span_texts() == [six]

    off = await lsp("vscode", init={"heuristic": False})
    doc2 = await off.open(workspace / "off.py", "")
    doc2.insert(doc2.position(0), PASTE4 + six)
    assert await lens_titles(doc2) == []


async def test_heuristic_configured_live_through_workspace_configuration(lsp, workspace):
    s = await lsp("vscode", configuration={"heuristic": {"enabled": False}})
    await s.wait(lambda: any(m.startswith("settings:") for m in s.logged()),
                 "the client's settings to apply")
    doc = await s.open(workspace / "w.py", "")
    doc.insert(doc.position(0), PASTE4)
    assert await lens_titles(doc) == []

    s.client.set_configuration({"heuristic": {"enabled": True, "minLines": 2}},
                               section="tracemark")
    s.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None))
    await s.wait(lambda: sum(m.startswith("settings:") for m in s.logged()) == 2,
                 "the new settings to apply")
    # VS Code allows dynamic registration: the server asked for configuration changes.
    assert types.WORKSPACE_DID_CHANGE_CONFIGURATION in s.registrations
    doc.insert(doc.position(len(doc.text)), PASTE2)
    spans = await doc.wait_spans(lambda sp: sp)
    assert doc.span_texts() == [PASTE2]
    assert spans[0]["confidence"] == "heuristic"
