"""Issue 6, in the editor: the semgrep tier of ``tracemark serve``, with the real semgrep.

Saving a document whose AI block holds a finding only a user-supplied semgrep rule reports
publishes it with source ``semgrep`` while the fast diagnostics stay; the scan is of the buffer
(a temporary copy), positions are converted to the client's encoding, findings on hand-written
lines are left out under scope ``ai``, a fast pass after it does not wipe it, a newer run
cancels a running one, and a missing semgrep is told once while the fast tier keeps working.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from lsp_harness import PAIRS, SEMGREP_WAIT, wait_until

pytestmark = pytest.mark.semgrep

USER_RULE = """rules:
  - id: acme-no-debug-dump
    message: debug_dump() writes secrets to the log (ACME policy)
    severity: WARNING
    languages: [python]
    metadata:
      cwe: ["CWE-532: Insertion of Sensitive Information into Log File"]
    pattern: debug_dump(...)
  - id: acme-no-debug-dump-rb
    message: debug_dump writes secrets to the log (ACME policy, Ruby)
    severity: WARNING
    languages: [ruby]
    pattern: debug_dump(...)
"""

HEADER = "import subprocess\n\n# ünïcödé ✓ 🙂 before the block\n"
AI_BLOCK = ("def deploy(cmd, token):\n"
            "    note = '🙂 déjà'; debug_dump(token)\n"
            "    subprocess.run(cmd, shell=True)\n")


@pytest.fixture
def user_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "semgrep-rules"
    folder.mkdir()
    (folder / "acme.yaml").write_text(USER_RULE, encoding="utf-8")
    return folder


def _by_source(diags: list[types.Diagnostic]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in diags:
        out.setdefault(str(d.source), []).append(str(d.code))
    return out


def _semgrep_runs(s) -> int:
    return sum(1 for m in s.logged() if m.startswith("semgrep: ") and "finding(s)" in m)


@pytest.mark.parametrize(("profile", "encoding"), PAIRS)
async def test_user_rule_finding_published_as_semgrep_beside_fast_diagnostics(
        lsp, workspace, user_rules, profile, encoding):
    """Issue 6's scenario: save → the user rule's finding with source ``semgrep``; the fast
    tier's diagnostic is still there; the range is right in the client's encoding."""
    s = await lsp(profile, encoding, init={"semgrep": {"enabled": True,
                                                       "configs": [str(user_rules)]}})
    doc = await s.open(workspace / "deploy.py", HEADER)
    await doc.insert_ai(doc.position(len(doc.text)), AI_BLOCK)
    # A hand-written call of the same function: semgrep reports it, scope ai leaves it out.
    doc.type_text(doc.position(len(doc.text)), "debug_dump(1)\n")
    doc.save()
    diags = await doc.wait_diagnostics(
        lambda d: "semgrep" in _by_source(d), "the user rule's finding from semgrep",
        timeout=SEMGREP_WAIT)
    assert _by_source(diags) == {"tracemark": ["py-subprocess-shell"],
                                 "semgrep": ["acme-no-debug-dump"]}
    dump = next(d for d in diags if d.source == "semgrep")
    assert doc.text_in(dump.range) == "debug_dump(token)"  # byte columns converted
    assert dump.severity == types.DiagnosticSeverity.Warning
    assert dump.code_description is not None
    assert dump.code_description.href.endswith("/532.html")

    # A fast pass (typing above the block) moves it and does not wipe it.
    runs = _semgrep_runs(s)
    started = sum(m.startswith("semgrep started") for m in s.logged())
    doc.type_text(types.Position(line=0, character=0), "# typed later\n")
    diags = await doc.wait_diagnostics(lambda d: len(d) == 2, "both tiers after an edit")
    dump = next(d for d in diags if d.source == "semgrep")
    assert doc.text_in(dump.range) == "debug_dump(token)"
    await doc.mark(None, kind="ai", tool="x")  # a round trip: every keystroke was handled
    await asyncio.sleep(1.0)  # past the debounce: a run a keystroke had scheduled would start
    assert _semgrep_runs(s) == runs  # typing never runs semgrep
    assert sum(m.startswith("semgrep started") for m in s.logged()) == started


async def test_documents_without_ai_text_are_scanned_only_once_some_arrives(lsp, workspace,
                                                                           user_rules):
    """Scope ``ai``: no semgrep process for a file nothing AI-written is in; one when a mark
    arrives."""
    s = await lsp("vscode", init={"semgrep": {"configs": [str(user_rules)]}})
    doc = await s.open(workspace / "human.py", "debug_dump(x)\ny = 1\n")
    doc.save()
    await asyncio.sleep(1.0)  # past the open and save debounce
    await doc.mark(doc.line_range(1, 2), kind="human", tool=None, model=None)  # a round trip
    assert not any(m.startswith("semgrep") for m in s.logged())
    await doc.mark(doc.line_range(0, 1))
    diags = await doc.wait_diagnostics(lambda d: d, "the AI line's semgrep finding",
                                       timeout=SEMGREP_WAIT)
    assert [(d.source, d.code) for d in diags] == [("semgrep", "acme-no-debug-dump")]


async def test_semgrep_scans_the_buffer_not_the_file_on_disk(lsp, workspace, user_rules):
    """On open, the temporary copy holds the editor's text (the file on disk is different)."""
    s = await lsp("vscode", init={"scope": "all", "semgrep": {"configs": [str(user_rules)]}})
    path = workspace / "unsaved.py"
    doc = await s.open(path, "debug_dump(secret)\n")
    path.write_text("print('nothing to see')\n", encoding="utf-8")  # disk differs from buffer
    diags = await doc.wait_diagnostics(lambda d: d, "semgrep's finding on the buffer",
                                       timeout=SEMGREP_WAIT)
    assert [(d.source, d.code) for d in diags] == [("semgrep", "acme-no-debug-dump")]


async def test_a_newer_run_cancels_the_running_one(lsp, workspace, user_rules):
    """At most one run per document: saving again while semgrep runs cancels the old run."""
    s = await lsp("vscode", init={"scope": "all", "semgrep": {"configs": [str(user_rules)]}})
    # Big enough that semgrep takes a while, so the second save lands while it runs. Ruby: only
    # semgrep (through the user's rule) looks at it, the fast tier has no rules for it.
    filler = "".join(f"def f{i}(a)\n  a + {i}\nend\n" for i in range(4000))
    doc = await s.open(workspace / "twice.rb", "x = 1\n" + filler, language_id="ruby")
    await s.wait(lambda: any(m.startswith("semgrep started") for m in s.logged()),
                 "the first run to start", timeout=SEMGREP_WAIT)
    doc.replace("x = 1", "debug_dump(x)")
    doc.save()
    diags = await doc.wait_diagnostics(lambda d: d, "the finding of the second run",
                                       timeout=SEMGREP_WAIT)
    assert [d.code for d in diags] == ["acme-no-debug-dump-rb"]
    logged = s.logged()
    assert any("semgrep run cancelled: a newer run started" in m for m in logged), logged
    assert _semgrep_runs(s) == 1  # the cancelled run reported nothing


async def test_semgrep_missing_is_told_once_and_fast_tier_keeps_working(lsp, workspace):
    """No semgrep: one clear ``window/showMessage``; fast diagnostics as usual."""
    s = await lsp("neovim", init={"semgrep": True},
                  env={"TRACEMARK_SEMGREP": str(workspace / "no-such-semgrep")})
    docs = []
    for name in ("a.py", "b.py"):
        doc = await s.open(workspace / name, "import subprocess\n")
        await doc.insert_ai(doc.position(len(doc.text)), "subprocess.run(c, shell=True)\n")
        doc.save()
        docs.append(doc)
    for doc in docs:
        diags = await doc.wait_diagnostics(lambda d: d)
        assert [(d.source, d.code) for d in diags] == [("tracemark", "py-subprocess-shell")]
    await wait_until(lambda: sum("semgrep" in m for m in s.logged()) >= 4, SEMGREP_WAIT,
                     what="every run to fail")
    told = [m for m in s.shown() if "semgrep" in m]
    assert len(told) == 1, s.shown()
    assert "semgrep is not installed" in told[0]
    assert "fast rules keep checking" in told[0]
    await s.alive()


async def test_broken_user_config_is_told_once_and_fast_tier_keeps_working(lsp, workspace):
    """A semgrep config that does not exist is a clear message, not a dead tier."""
    s = await lsp("vscode", init={"semgrep": {"configs": ["does/not/exist.yaml"]}})
    doc = await s.open(workspace / "c.py", "import subprocess\n")
    await doc.insert_ai(doc.position(len(doc.text)), "subprocess.run(c, shell=True)\n")
    doc.save()
    await s.wait(lambda: any("semgrep" in m for m in s.shown()), "the message",
                 timeout=SEMGREP_WAIT)
    told = [m for m in s.shown() if "semgrep" in m]
    assert len(told) == 1 and "does/not/exist.yaml does not exist" in told[0]
    diags = await doc.wait_diagnostics(lambda d: d)
    assert [d.code for d in diags] == ["py-subprocess-shell"]


async def test_semgrep_results_are_cleared_on_close_and_off_when_disabled(lsp, workspace,
                                                                          user_rules):
    """Closing publishes an empty list; ``semgrep.enabled: false`` runs nothing."""
    s = await lsp("vscode", init={"scope": "all", "semgrep": {"configs": [str(user_rules)]}})
    doc = await s.open(workspace / "d.py", "debug_dump(x)\n")
    await doc.wait_diagnostics(lambda d: d, timeout=SEMGREP_WAIT)
    doc.close()
    await s.wait(lambda: doc.published() is not None and not doc.published().diagnostics
                 and doc.published().version is None, "the clearing publication")

    off = await lsp("vscode", init={"scope": "all", "semgrep": {"enabled": False,
                                                                "configs": [str(user_rules)]}})
    doc2 = await off.open(workspace / "e.py", "debug_dump(x)\nimport subprocess\n"
                          "subprocess.run(c, shell=True)\n")
    await doc2.wait_diagnostics(lambda d: d)
    doc2.save()
    await doc2.mark(doc2.line_range(0, 1))  # a round trip after the save
    assert not any(m.startswith("semgrep") for m in off.logged())
    assert [d.source for d in doc2.diagnostics()] == ["tracemark"]
