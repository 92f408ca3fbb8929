"""`make demo` commits AI lines and prints the trailers (issue 7's demo step, s40)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracemark.demo import DemoContext, s10_record, s40_commit

from support import git


def test_commit_demo_step_prints_trailers_and_verifies(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]):
    repo = tmp_path / "repo"
    repo.mkdir()
    ctx = DemoContext(repo=repo)
    s10_record.run(ctx)
    capsys.readouterr()
    s40_commit.run(ctx)
    out = capsys.readouterr().out
    assert "Assisted-by: copilot:gpt-4.1" in out and "Tracemark-Signature: v1 ssh" in out
    assert "Verified: ai-attested, signed by dev@example.com" in out
    assert "app.py lines 9-11: ai by copilot:gpt-4.1" in out
    assert " 9 " in out and "copilot gpt-4.1" in out  # blame --rev from the trailers
    assert ": invalid: Assisted-by trailers do not match the signed record" in out
    assert git(repo, "config", "core.hooksPath").strip() == ".git/hooks"
