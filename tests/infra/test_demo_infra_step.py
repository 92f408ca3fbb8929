"""The s35 demo step: an AI-written Dockerfile scanned with a policy file, in a real repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracemark.demo import DemoContext, s35_infra


def test_infra_demo_step(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s35_infra.run(DemoContext(repo=repo))
    out = capsys.readouterr().out
    assert "Dockerfile:1:6: warning docker-base-image-unapproved" in out
    assert "Dockerfile:1:1: error docker-missing-user" in out  # the policy's severity
    assert "Dockerfile:4:1: error docker-curl-pipe-shell" in out
    assert "Dockerfile:6:" in out and "docker-expose-port-not-allowed" in out
    assert "typo-policy.yaml:3: rules.disabel: unknown key 'disabel'" in out
