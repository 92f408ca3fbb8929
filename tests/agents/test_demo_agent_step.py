"""The s15 demo step feeds Claude Code payloads to ``tracemark record`` and shows blame."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracemark.demo import DemoContext, s15_agent


def test_agent_demo_step(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s15_agent.run(DemoContext(repo=repo))
    out = capsys.readouterr().out
    assert '"hook_event_name": "PostToolUse"' in out
    blame = [ln for ln in out.splitlines() if " | " in ln]
    assert len(blame) == 9
    assert "human" in blame[0] and '"""Small text helpers."""' in blame[0]
    assert all("ai" in ln and "claude-code claude-sonnet-4" in ln for ln in blame[3:]
               if ln.split("|", 1)[1].strip())
