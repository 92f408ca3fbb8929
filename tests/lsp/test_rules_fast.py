"""Issue 4, in the editor: the fast tier's diagnostics through the real ``tracemark serve``.

An AI block holding ``subprocess.run(cmd, shell=True)`` gets a diagnostic (rule id, severity,
CWE link, source); the same line typed by hand does not (scope ``ai``); fixing the line clears
it; quick fixes (``yaml.load`` → ``yaml.safe_load``, removing ``verify=False``) are offered and
applied; scope ``all`` reports hand-written lines too.
"""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_harness import MATRIX, PAIRS

HEADER = "import subprocess\nimport sys\n\ncmd = sys.argv[1]\n\n"
AI_BLOCK = "def deploy(cmd):\n    subprocess.run(cmd, shell=True)\n    return cmd\n"
EVAL_BLOCK = "\n\ndef run(code):\n    return eval(code)\n"
HAND_LINE = "subprocess.run(cmd, shell=True)\n"


def _codes(diags: list[types.Diagnostic]) -> list[tuple[str, int]]:
    return sorted((str(d.code), d.range.start.line) for d in diags)


@pytest.mark.parametrize(("profile", "encoding"), MATRIX)
async def test_ai_block_gets_diagnostic_hand_typed_line_does_not_and_fix_clears(
        lsp, workspace, profile, encoding):
    """Issue 4's end-to-end scenario under scope ``ai`` (the default)."""
    s = await lsp(profile, encoding)
    # A non-ASCII comment before the code makes UTF-8 and UTF-16 columns differ.
    doc = await s.open(workspace / "app.py", "# café ✓ naïve\n" + HEADER)
    # The hand-typed line, one keystroke at a time (no heuristic tags that).
    end = doc.position(len(doc.text))
    doc.type_text(end, HAND_LINE)
    # The AI block, inserted and marked as an editor plugin does.
    rng = await doc.insert_ai(doc.position(len(doc.text)), "\n" + AI_BLOCK)
    ai_line = doc.pos("subprocess.run(cmd, shell=True)", nth=1).line
    hand_line = doc.pos("subprocess.run(cmd, shell=True)").line
    assert rng.start.line < ai_line

    diags = await doc.wait_diagnostics(lambda d: d, "the AI block's diagnostic")
    assert _codes(diags) == [("py-subprocess-shell", ai_line)]
    assert hand_line not in [d.range.start.line for d in diags]
    d = diags[0]
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.source == "tracemark"
    assert d.code_description is not None
    assert d.code_description.href == "https://cwe.mitre.org/data/definitions/78.html"
    assert "CWE-78" in d.message
    assert doc.text_in(d.range) == "subprocess.run(cmd, shell=True)"

    # Fixing the line clears the diagnostic.
    doc.replace("shell=True", "shell=False", nth=1)
    await doc.wait_diagnostics(lambda d: not d, "no diagnostics after the fix")


@pytest.mark.parametrize(("profile", "encoding"), PAIRS)
async def test_scope_all_reports_hand_written_lines_too(lsp, workspace, profile, encoding):
    """``tracemark.scope: all`` (initializationOptions): every line is checked."""
    s = await lsp(profile, encoding, init={"scope": "all"})
    doc = await s.open(workspace / "app.py", HEADER + HAND_LINE)
    diags = await doc.wait_diagnostics(lambda d: d, "a diagnostic on the hand-written line")
    assert _codes(diags) == [("py-subprocess-shell", doc.pos("subprocess.run").line)]


async def test_scope_switched_by_workspace_configuration(lsp, workspace):
    """``workspace/didChangeConfiguration`` + ``workspace/configuration`` switch the scope live."""
    s = await lsp("vscode", configuration={"scope": "ai"})
    doc = await s.open(workspace / "app.py", HEADER + HAND_LINE)
    await doc.insert_ai(doc.position(len(doc.text)), "x = 1\n")
    s.client.set_configuration({"scope": "all"}, section="tracemark")
    s.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None))
    diags = await doc.wait_diagnostics(lambda d: d, "the hand-written line under scope all")
    assert _codes(diags) == [("py-subprocess-shell", doc.pos("subprocess.run").line)]


@pytest.mark.parametrize(("profile", "encoding", "source", "fixed", "rule"), [
    ("vscode", "utf-16", "import yaml\n\ndef load(text):\n    return yaml.load(text)  # é\n",
     "import yaml\n\ndef load(text):\n    return yaml.safe_load(text)  # é\n", "py-yaml-load"),
    ("neovim", "utf-8",
     "import requests\n\ndef get(url):\n    return requests.get(url, verify=False)\n",
     "import requests\n\ndef get(url):\n    return requests.get(url)\n",
     "py-tls-verify-disabled"),
])
async def test_quick_fix_is_offered_and_applied(lsp, workspace, profile, encoding, source, fixed,
                                                rule):
    """A rule's unambiguous fix is a ``quickfix`` code action; applying it clears the finding."""
    s = await lsp(profile, encoding)
    doc = await s.open(workspace / "fixme.py", "")
    await doc.insert_ai(doc.position(0), source)
    diags = await doc.wait_diagnostics(lambda d: d, f"{rule}")
    assert [d.code for d in diags] == [rule]
    actions = await doc.code_actions(diags[0].range, diags)
    fixes = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert len(fixes) == 1, actions
    fix = fixes[0]
    assert fix.is_preferred
    assert fix.diagnostics and fix.diagnostics[0].code == rule
    assert fix.edit is not None
    doc.apply(fix.edit)
    assert doc.text == fixed
    await doc.wait_diagnostics(lambda d: not d, "no diagnostic after the quick fix")
    # The fix did not turn the lines into hand-written ones, nor into a new AI insertion.
    spans = await doc.wait_spans(lambda sp: sp)
    assert {sp["tool"] for sp in spans} == {"copilot"}


async def test_fast_tier_follows_edits_above_and_inside_the_span(lsp, workspace):
    """Lines inserted above the AI block move its diagnostic; an edit inside keeps it right."""
    s = await lsp("neovim", "utf-8")
    doc = await s.open(workspace / "app.py", HEADER)
    await doc.insert_ai(doc.position(len(doc.text)), AI_BLOCK)
    await doc.wait_diagnostics(lambda d: d)
    doc.insert(types.Position(line=0, character=0), "# one\n# two\n# three\n")
    diags = await doc.wait_diagnostics(lambda d: d)
    assert _codes(diags) == [("py-subprocess-shell", doc.pos("subprocess.run(cmd").line)]
    doc.replace("cmd, shell", "cmd + ' now', shell")
    diags = await doc.wait_diagnostics(lambda d: d)
    assert doc.text_in(diags[0].range) == "subprocess.run(cmd + ' now', shell=True)"


async def test_no_diagnostics_for_languages_without_rules_or_for_plain_text(lsp, workspace):
    """A document no rule covers is left alone (and does not break the server)."""
    s = await lsp("vscode")
    doc = await s.open(workspace / "notes.txt", "subprocess.run(cmd, shell=True)\n",
                       language_id="plaintext")
    await doc.mark(doc.line_range(0, 1))
    await doc.wait_spans(lambda sp: sp)
    assert doc.diagnostics() == []
    await s.alive()


@pytest.mark.parametrize(("name", "language_id"), [
    ("handler.js", "javascript"), ("handler.ts", "typescript"), ("view.tsx", "typescriptreact")])
async def test_javascript_and_typescript_documents(lsp, workspace, name, language_id):
    """The language comes from the LSP ``languageId``: the JS/TS rules run on those buffers."""
    s = await lsp("vscode")
    doc = await s.open(workspace / name, "const a = 1;\n", language_id=language_id)
    await doc.insert_ai(doc.position(len(doc.text)),
                        "export function run(input) {\n  return eval(input);\n}\n")
    diags = await doc.wait_diagnostics(lambda d: d)
    assert [(d.code, doc.text_in(d.range)) for d in diags] == [
        ("js-eval-injection", "eval(input)")]


async def test_documents_past_the_live_trees_limit_keep_their_findings_and_recheck(
        lsp, workspace):
    """``liveTrees: 2`` with four documents open: the least recently checked drop their syntax
    trees (the memory of 200 open files, benchmarks/memory.py) but keep their diagnostics, and
    an edit in one of them is checked afresh: a new finding appears, fixing it clears it."""
    s = await lsp("vscode", "utf-16", init={"liveTrees": 2})
    docs = []
    for i in range(4):
        doc = await s.open(workspace / f"m{i}.py", HEADER)
        await doc.insert_ai(doc.position(len(doc.text)), "\n" + AI_BLOCK)
        await doc.wait_diagnostics(lambda d: d, f"m{i}.py's AI block diagnostic")
        docs.append(doc)
    for doc in docs:  # nothing was lost by the documents whose trees were dropped
        assert _codes(doc.diagnostics()) == [("py-subprocess-shell", doc.pos("shell=True").line)]
    first = docs[0]  # checked least recently: its tree is gone
    await first.insert_ai(first.position(len(first.text)), EVAL_BLOCK)
    diags = await first.wait_diagnostics(lambda d: len(d) == 2, "a new finding in m0.py")
    assert sorted(c for c, _ in _codes(diags)) == ["py-eval-injection", "py-subprocess-shell"]
    first.replace("eval(code)", "len(code)")
    first.replace("shell=True", "shell=False")
    await first.wait_diagnostics(lambda d: not d, "m0.py fixed")
    assert all(d.diagnostics() for d in docs[1:])


def test_the_live_trees_setting_is_read_and_refuses_bad_values():
    from tracemark.lsp.config import Settings, parse_settings

    assert Settings().live_trees == 24
    assert parse_settings({"liveTrees": 3})[0].live_trees == 3
    settings, warnings = parse_settings({"tracemark": {"liveTrees": 0}})
    assert settings.live_trees == 24
    assert warnings == ["setting tracemark.liveTrees: expected an integer from 1 to 100000, "
                        "got 0; using 24"]
