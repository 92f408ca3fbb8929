"""The s20 demo step: the real server, driven like an editor plugin, reports spans, the code
lens, the hover and the diagnostic of an accepted AI completion (issue 3's ``make demo`` part)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracemark.demo import DemoContext, s20_editor, steps


def test_editor_demo_step_shows_what_the_server_reports(repo: Path,
                                                        capsys: pytest.CaptureFixture[str]):
    ctx = DemoContext(repo=repo)
    s20_editor.run(ctx)
    out = capsys.readouterr().out
    assert "← tracemark/spans: lines 7-10 ai · copilot gpt-4.1 (exact)" in out
    assert "← code lens above line 7: AI · copilot gpt-4.1 · 4 lines · not reviewed" in out
    assert "← hover on line 9: tracemark · AI-written (ai) | tool: copilot · model: gpt-4.1" in out
    assert ("← diagnostic line 10: error py-subprocess-shell (tracemark) "
            "https://cwe.mitre.org/data/definitions/78.html") in out
    assert "← diagnostics on lines [10]: none on line 11" in out
    assert ctx.notes["editor_diagnostics"] == ["py-subprocess-shell"]


def test_the_step_is_part_of_the_demo_in_order():
    assert "s20_editor" in steps()
    assert steps().index("s20_editor") > steps().index("s10_record")
