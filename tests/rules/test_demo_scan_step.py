"""The s30 demo step runs against a real repository and shows the AI-only findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracemark.demo import DemoContext
from tracemark.demo import s30_scan


def test_scan_demo_step(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s30_scan.run(DemoContext(repo=repo))
    out = capsys.readouterr().out
    # md5 over a password: py-weak-hash and py-weak-password-hash both apply to line 13
    assert "4 finding(s) on AI lines: 3 error, 1 warning" in out
    assert "error   py-weak-password-hash    line 13" in out
    assert "error   py-tls-verify-disabled   line 17  external/cwe/cwe-295" in out
    assert "cards.py:5:5: warning py-insecure-random" in out
