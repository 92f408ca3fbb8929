"""Issue 3's diagnostics plumbing: pull diagnostics when the client supports them (with
``workspace/diagnostic/refresh``), publish otherwise, one delivery per burst, cleared on close."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_harness import SEMGREP_WAIT

AI = "import subprocess\n\ndef run(cmd):\n    subprocess.run(cmd, shell=True)\n"


async def test_pull_diagnostics_when_the_client_supports_them(lsp, workspace):
    s = await lsp("vscode", pull=True)
    doc = await s.open(workspace / "p.py", "")
    await doc.insert_ai(doc.position(0), AI)
    items = await doc.wait_diagnostics(lambda d: d, "the pulled diagnostic")
    assert [(d.code, d.source, d.range.start.line) for d in items] == [
        ("py-subprocess-shell", "tracemark", 3)]
    # Unchanged since the last pull: the report says so instead of repeating itself.
    first = await doc.pull()
    assert first.kind == "full" and first.result_id
    again = await doc.pull(previous=first.result_id)
    assert again.kind == "unchanged" and again.result_id == first.result_id
    # Changed: a new full report.
    doc.replace("shell=True", "shell=False")
    await doc.wait_diagnostics(lambda d: not d, "the diagnostic gone after the fix")
    # Never pushed to a pulling client.
    assert doc.uri not in s.published
    # Cleared on close: the document is no longer known, its report is empty.
    doc.close()
    closed = await doc.pull()
    assert list(closed.items) == []


async def test_the_server_advertises_pull_only_to_clients_that_can_be_told_to_refresh(lsp,
                                                                                      workspace):
    """Neovim 0.11 offers ``textDocument/diagnostic`` but no refresh: it gets publications."""
    s = await lsp("neovim", "utf-8")
    doc = await s.open(workspace / "n.py", "")
    await doc.insert_ai(doc.position(0), AI)
    await doc.wait_diagnostics(lambda d: d)
    assert doc.published().version == doc.version  # published, with the document version
    with pytest.raises(Exception, match=r"(?i)method not found"):
        await doc.pull()


@pytest.mark.semgrep
async def test_late_results_ask_a_pulling_client_to_refresh(lsp, workspace, tmp_path):
    """semgrep's results arrive after the pull: ``workspace/diagnostic/refresh``, then the next
    pull has them."""
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: acme-eval-input\n    message: eval of input() (ACME)\n"
                     "    severity: ERROR\n    languages: [python]\n"
                     "    pattern: eval(input(...))\n", encoding="utf-8")
    s = await lsp("vscode", pull=True, init={"semgrep": {"configs": [str(rules)]}})
    doc = await s.open(workspace / "late.py", "")
    await doc.insert_ai(doc.position(0), "def f():\n    return eval(input('> '))\n")
    doc.save()
    items = await doc.wait_diagnostics(lambda d: any(x.source == "semgrep" for x in d),
                                       timeout=SEMGREP_WAIT)
    assert s.client.diagnostic_refresh_count > 0  # the client was asked to pull again
    assert "acme-eval-input" in [d.code for d in items]


async def test_publications_are_coalesced_and_cleared_on_close(lsp, workspace):
    """Thirty keystrokes in an AI block: a handful of publications, the last for the last
    version; closing publishes an empty list."""
    s = await lsp("vscode")
    doc = await s.open(workspace / "c.py", "")
    await doc.insert_ai(doc.position(0), AI)
    await doc.wait_diagnostics(lambda d: d)
    before = len(s.published[doc.uri])
    doc.type_text(doc.pos("cmd, shell"), "'echo ' + ")  # still a finding on every keystroke
    doc.type_text(doc.pos("cmd, shell"), "str(")
    doc.type_text(doc.pos(", shell"), ")")
    diags = await doc.wait_diagnostics(lambda d: d)
    assert doc.text_in(diags[0].range) == "subprocess.run('echo ' + str(cmd), shell=True)"
    typed = len("'echo ' + ") + len("str(") + 1
    assert len(s.published[doc.uri]) - before < typed
    doc.close()
    await s.wait(lambda: doc.published().version is None and not doc.published().diagnostics,
                 "the clearing publication")
    await s.alive()
    # No diagnostics for a document that is closed, even if asked about it.
    actions = await s.client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=doc.uri), range=diags[0].range,
        context=types.CodeActionContext(diagnostics=[])))
    assert not actions
