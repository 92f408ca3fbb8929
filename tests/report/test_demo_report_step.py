"""``make demo`` ends with the report and guidance step (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracemark.demo import DemoContext, s60_report, steps


def test_demo_ends_with_the_report() -> None:
    assert steps()[-1] == "s60_report"


def test_report_demo_step(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Run on its own (it runs the gate step first, as it would find it in the demo); the HTML
    report is written, its figures printed, the guidance diff shown and nothing written."""
    monkeypatch.setattr(s60_report, "report_path", lambda: tmp_path / "demo-report.html")
    repo = tmp_path / "repo"
    repo.mkdir()
    s60_report.run(DemoContext(repo=repo))
    out = capsys.readouterr().out.split(". The report, and guidance", 1)[1]
    page = (tmp_path / "demo-report.html").read_text()
    assert page.startswith("<!doctype html>") and 'id="chart-timeline"' in page
    assert "claude-code:claude-sonnet-4" in out and "per 1,000 AI lines" in out
    assert "most frequent: py-pickle-load (1)" in out
    assert "--- a/CLAUDE.md\n+++ b/CLAUDE.md" in out
    assert " Run the tests with `make test` before you commit." in out
    assert "+### Deserialization (1 finding)" in out
    assert "py-pickle-load, CWE-502; 1 by claude-code:claude-sonnet-4" in out
    assert (repo / "CLAUDE.md").read_text() == s60_report.CLAUDE_MD  # diff only
