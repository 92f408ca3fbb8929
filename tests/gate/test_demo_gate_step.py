"""``make demo`` ends with the gate (issue 8): one range passes, one fails, and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracemark.demo import DemoContext, s50_gate, steps


def test_demo_has_the_gate_after_the_commit_step() -> None:
    assert steps().index("s50_gate") > steps().index("s40_commit")


def test_gate_demo_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Run on its own (it sets up the signing step 4 leaves behind when that did not run)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    s50_gate.run(DemoContext(repo=repo))
    out = capsys.readouterr().out
    passed, failed = out.split("Branch feature/sessions", 1)
    assert "PASS" in passed and "1 ai-attested" in passed
    assert "FAIL: 2 policy failures" in failed
    assert "ai-finding: src/sessions.py:5: py-pickle-load (error) on AI lines by " \
           "claude-code:claude-sonnet-4" in failed
    assert "attestation-required: no provenance record" in failed
    assert "origin=ai tool=claude-code model=claude-sonnet-4" in failed
