"""Issue 8: ``verify --deep`` re-runs the semgrep tier (the real semgrep) on the lines each
commit adds, in one semgrep run for the whole range."""

from __future__ import annotations

import pytest

from gate_support import SHELL, GateRepo


@pytest.mark.semgrep
def test_deep_tier_confirms_the_ai_finding_at_each_commit(gate_repo: GateRepo) -> None:
    r = gate_repo
    r.write("app.py", SHELL)
    r.mark("app.py", "4-5")
    r.commit("ai shell")
    r.write("app.py", '"""Run things."""\n' + SHELL)  # moved down one line at the next commit
    r.commit("docstring")
    doc = r.verify_json("main..HEAD", "--deep", code=1)
    assert doc["deep"] == {"requested": True, "ran": True, "reason": None,
                           "warnings": doc["deep"]["warnings"]}
    [f] = doc["findings"]
    assert f["rule"] == "py-subprocess-shell" and f["origin"] == "ai"
    assert sorted(f["engines"]) == ["fast", "semgrep"]
    assert (f["line"], f["head_line"]) == (5, 6)  # at its commit, and where HEAD has it
