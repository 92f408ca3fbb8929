"""Issue 12, ``tracemark report``: the figures of a known history (``conftest.py``), worked out
by hand, in the JSON (``tracemark/report/v1``), the Markdown and the HTML; usage errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tracemark.report import charts
from tracemark.rules.loader import default_rules

from gate_support import make_gate_repo
from report_support import History, commit_on, run
from support import git


@pytest.fixture(scope="module")
def doc(history: History) -> dict:
    out = run("report", "main..HEAD", "--format", "json", "--no-progress", cwd=history.root)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_report_json_summary_figures(doc: dict) -> None:
    """The share of AI lines, reviewed share and findings per 1,000 AI lines of the range."""
    assert doc["schema"] == "tracemark/report/v1"
    s = doc["summary"]
    assert s["commits"] == 6 and s["days"] == 3
    assert s["by_status"] == {"ai-attested": 4, "human-attested": 1, "unattested": 1}
    assert s["lines"] == {"added": 28, "ai": 12, "ai_modified": 0, "reviewed": 4, "human": 9,
                          "unattested": 3}
    assert s["ai_lines"] == 16 and s["ai_share"] == round(16 / 28, 4)
    assert s["findings_on_ai_lines"] == 3 and s["open_findings_on_ai_lines"] == 3
    assert s["findings_per_1000_ai_lines"] == 187.5
    assert s["reviewed_share"] == 0.25
    assert s["tools"] == ["claude-code:claude-sonnet-4", "copilot:gpt-4.1"]
    assert doc["signatures_checked"] is True  # the repository's allowed signers


def test_report_share_over_time_per_commit_and_day(doc: dict, history: History) -> None:
    """AI share over time: per commit (with the tools that wrote them) and per UTC day."""
    commits = doc["timeline"]["commits"]
    assert [c["commit"] for c in commits] == history.shas
    assert [(c["day"], c["lines"]["added"], c["ai_lines"]) for c in commits] == [
        ("2025-03-03", 5, 2), ("2025-03-03", 5, 5), ("2025-03-04", 6, 0),
        ("2025-03-04", 4, 4), ("2025-03-06", 3, 0), ("2025-03-06", 5, 5)]
    assert commits[0]["by_tool"] == {"copilot:gpt-4.1": 2}
    assert commits[1]["by_tool"] == {"claude-code:claude-sonnet-4": 5}
    assert commits[4]["status"] == "unattested" and commits[4]["lines"]["unattested"] == 3
    days = {d["day"]: d for d in doc["timeline"]["days"]}
    assert list(days) == ["2025-03-03", "2025-03-04", "2025-03-06"]
    assert days["2025-03-03"]["ai_share"] == 0.7 and days["2025-03-03"]["commits"] == 2
    assert days["2025-03-03"]["by_tool"] == {"claude-code:claude-sonnet-4": 5,
                                             "copilot:gpt-4.1": 2}
    assert days["2025-03-04"]["lines"]["reviewed"] == 4 and days["2025-03-04"]["ai_share"] == 0.4
    assert days["2025-03-06"]["lines"]["unattested"] == 3
    assert days["2025-03-06"]["ai_share"] == 0.625


def test_report_by_tool_and_model_and_per_1000_lines(doc: dict) -> None:
    """Which AI tools produce which findings most: findings per 1,000 AI lines per tool/model."""
    tools = {t["label"]: t for t in doc["tools"]}
    claude, copilot = tools["claude-code:claude-sonnet-4"], tools["copilot:gpt-4.1"]
    assert claude["lines"] == {"ai": 10, "ai_modified": 0, "reviewed": 0, "total": 10}
    assert copilot["lines"] == {"ai": 2, "ai_modified": 0, "reviewed": 4, "total": 6}
    assert claude["commits"] == 2 and copilot["commits"] == 2
    assert claude["findings"] == {"total": 2, "open": 2, "error": 1, "warning": 1, "info": 0}
    assert claude["findings_per_1000_lines"] == 200.0
    assert copilot["findings_per_1000_lines"] == round(1000 / 6, 2)
    assert claude["rules"] == {"py-insecure-random": 1, "py-subprocess-shell": 1}
    assert claude["share_of_ai_lines"] == round(10 / 16, 4)
    assert doc["tools"][0]["label"] == "claude-code:claude-sonnet-4"  # most lines first
    assert doc["by_tool"] == [
        {"tool": "claude-code", "ai_lines": 10, "findings": 2, "findings_per_1000_lines": 200.0},
        {"tool": "copilot", "ai_lines": 6, "findings": 1,
         "findings_per_1000_lines": round(1000 / 6, 2)}]
    assert [m["model"] for m in doc["by_model"]] == ["claude-sonnet-4", "gpt-4.1"]


def test_report_findings_by_rule_cwe_severity(doc: dict, history: History) -> None:
    f = doc["findings"]
    assert f["by_severity"] == {"error": 2, "warning": 1, "info": 0}
    rules = {r["rule"]: r for r in f["by_rule"]}
    assert [r["rule"] for r in f["by_rule"]] == ["py-subprocess-shell", "py-insecure-random"]
    shell = rules["py-subprocess-shell"]
    assert (shell["count"], shell["severity"], shell["cwe"], shell["category"]) == (
        2, "error", ["CWE-78"], "command-injection")
    assert shell["tools"] == {"claude-code:claude-sonnet-4": 1, "copilot:gpt-4.1": 1}
    assert "Pass a list of arguments" in shell["message"]
    assert f["by_cwe"] == [{"cwe": "CWE-78", "count": 2, "rules": ["py-subprocess-shell"]},
                           {"cwe": "CWE-338", "count": 1, "rules": ["py-insecure-random"]}]
    where = sorted((i["path"], i["line"], i["label"], i["commit"], i["day"]) for i in f["items"])
    assert where == [
        ("app.py", 5, "copilot:gpt-4.1", history.shas[0], "2025-03-03"),
        ("rnd.py", 5, "claude-code:claude-sonnet-4", history.shas[1], "2025-03-03"),
        ("tools/run.py", 5, "claude-code:claude-sonnet-4", history.shas[5], "2025-03-06")]


def test_report_reviewed_vs_unreviewed(doc: dict) -> None:
    rv = doc["review"]
    assert (rv["ai_lines"], rv["reviewed"], rv["unreviewed"], rv["reviewed_share"]) == (
        16, 4, 12, 0.25)
    assert rv["by_tool"] == [
        {"label": "claude-code:claude-sonnet-4", "reviewed": 0, "unreviewed": 10},
        {"label": "copilot:gpt-4.1", "reviewed": 4, "unreviewed": 2}]
    assert rv["findings"] == {"reviewed": 0, "unreviewed": 3}


def test_report_agrees_with_verify(doc: dict, history: History) -> None:
    """One computation: the report's lines are the gate's (``verify --format json``)."""
    out = run("verify", "main..HEAD", "--format", "json", "--no-progress", cwd=history.root)
    gate = json.loads(out.stdout)
    assert gate["summary"]["lines"] == doc["summary"]["lines"]
    assert gate["summary"]["findings"]["ai"] == doc["findings"]["by_severity"]


def test_report_markdown(history: History, doc: dict) -> None:
    out = run("report", "main..HEAD", "--format", "markdown", "--no-progress",
              cwd=history.root)
    assert out.returncode == 0, out.stderr
    md = out.stdout
    assert md.startswith("# tracemark report: `main..HEAD` (6 commits, 2025-03-03 to 2025-03-06)")
    assert "57% of the 28 lines added are AI (16 lines by 2 tools/models); 3 findings on AI " \
           "lines (3 still open), 187.5 per 1,000 AI lines; 25% of AI lines reviewed" in md
    assert "| 2025-03-03 | 2 | 10 | 7 | 70% | 3 | 0 | claude-code:claude-sonnet-4 5, " \
           "copilot:gpt-4.1 2 |" in md
    assert "| `copilot:gpt-4.1` | 6 | 38% | 4 | 1 | 1 | 166.7 | `py-subprocess-shell` 1 |" in md
    assert "| `py-subprocess-shell` | error | CWE-78 | command-injection | 2 | 2 | " \
           "claude-code:claude-sonnet-4 1, copilot:gpt-4.1 1 |" in md
    assert "| CWE-338 | 1 | `py-insecure-random` |" in md
    assert "4 of 16 AI lines reviewed (25%), 12 unreviewed" in md
    assert "## Telemetry integrity" in md
    rows = [ln for ln in md.splitlines() if ln.startswith("| `") and "| 2025-03-0" in ln]
    assert len(rows) == 6  # one per commit, in the folded table


def test_report_output_file_and_format_from_suffix(history: History, tmp_path: Path) -> None:
    """``-o FILE`` writes the report; its suffix picks the format unless --format says."""
    html, js = tmp_path / "out" / "r.html", tmp_path / "r.json"
    assert run("report", "main..HEAD", "-o", str(html), "--no-progress",
               cwd=history.root).returncode == 0
    assert run("report", "main..HEAD", "-o", str(js), "--no-progress",
               cwd=history.root).returncode == 0
    assert html.read_text().startswith("<!doctype html>")
    assert json.loads(js.read_text())["schema"] == "tracemark/report/v1"


def test_report_html_is_self_contained(history: History, doc: dict) -> None:
    """One file, nothing fetched: no script, no stylesheet or font link, a CSP that forbids
    loading anything; inline SVG charts with titles; figures from the JSON in the page."""
    out = run("report", "main..HEAD", "--format", "html", "--no-progress", cwd=history.root)
    page = out.stdout
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "@import" not in page and "url(" not in page
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls == {"http://www.w3.org/2000/svg"}  # the SVG namespace, never fetched
    assert "default-src 'none'" in page
    for chart in ("chart-timeline", "chart-tool-lines", "chart-tool-rate", "chart-severity",
                  "chart-rules", "chart-cwe", "chart-review"):
        assert f'id="{chart}"' in page and f'aria-labelledby="{chart}-title {chart}-desc"' in page
    assert 'data-figure="ai_share">57%<' in page
    assert 'data-figure="findings_per_1000_ai_lines">187.5<' in page


@pytest.mark.parametrize("command", ["report", "guidance"])
def test_bad_range_exits_2_with_one_line(history: History, command: str) -> None:
    out = run(command, "no-such-branch..HEAD", "--no-progress", cwd=history.root)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1
    assert out.stderr.startswith("tracemark: error: no-such-branch..HEAD: not a revision range")


def test_report_usage_errors(history: History, tmp_path: Path) -> None:
    out = run("report", "--policy", str(tmp_path / "none.yaml"), cwd=history.root)
    assert out.returncode == 2 and "no such policy file" in out.stderr
    out = run("report", "-o", str(tmp_path), "--no-progress", cwd=history.root)
    assert out.returncode == 2 and "is a folder" in out.stderr
    out = run("report", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.count("\n") == 1


def test_report_of_an_empty_range(history: History) -> None:
    out = run("report", "HEAD..HEAD", "--format", "json", "--no-progress", cwd=history.root)
    d = json.loads(out.stdout)
    assert d["summary"]["commits"] == 0 and d["summary"]["ai_share"] is None
    html = run("report", "HEAD..HEAD", "--format", "html", "--no-progress", cwd=history.root)
    assert html.returncode == 0 and "No commits in this range." in html.stdout


def test_report_since(history: History) -> None:
    out = run("report", "main..HEAD", "--since", "2025-03-05", "--format", "json",
              "--no-progress", cwd=history.root)
    d = json.loads(out.stdout)
    assert [c["day"] for c in d["timeline"]["commits"]] == ["2025-03-06", "2025-03-06"]


TELEMETRY_AI = """\
import json


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except Exception:
        pass
"""


def test_report_calls_out_telemetry_integrity_findings(tmp_path: Path) -> None:
    """Findings of the telemetry-integrity category (an exception swallowed) get their own
    section and figure."""
    pack = [r.id for r in default_rules() if r.category == "telemetry-integrity"]
    if "py-exception-swallowed" not in pack:
        pytest.skip("the telemetry-integrity rules (issue 12, branch rulesjs) are not in this "
                    "rule pack yet")
    r = make_gate_repo(tmp_path)
    r.write("store.py", TELEMETRY_AI)
    r.mark("store.py", "1-9", "cursor", "gpt-5")
    commit_on(r, "cursor store", "2025-04-01")
    d = json.loads(run("report", "main..HEAD", "--format", "json", "--no-progress",
                       cwd=r.root).stdout)
    tele = d["telemetry_integrity"]
    assert tele["rules_in_pack"] == len(pack)
    assert tele["count"] == 1 == d["summary"]["telemetry_findings"]
    [item] = tele["items"]
    assert (item["rule"], item["path"], item["label"]) == (
        "py-exception-swallowed", "store.py", "cursor:gpt-5")
    md = run("report", "main..HEAD", "--format", "markdown", "--no-progress", cwd=r.root).stdout
    assert "**1 finding on AI lines weakens the signals" in md and "`py-exception-swallowed`" in md
    page = run("report", "main..HEAD", "--format", "html", "--no-progress", cwd=r.root).stdout
    assert 'data-figure="telemetry_findings">1<' in page and 'class="callout"' in page


def test_charts_write_values_beside_bars_and_pick_round_steps() -> None:
    svg = charts.bars("t", "Title", "Desc", [charts.Bar("a", {"x": 3}), charts.Bar(
        "b", {"x": 1}, "1 (1 open)")], [charts.Series("x", "#000")])
    assert "<title id=\"t-title\">Title</title>" in svg and ">3</text>" in svg
    assert ">1 (1 open)</text>" in svg
    assert [charts.nice_step(v) for v in (4, 10, 57, 950, 0)] == [1, 2.5, 20, 250, 1]


@pytest.mark.semgrep
def test_report_deep_tier_counts_each_match_once(history: History, doc: dict) -> None:
    """``--deep`` adds semgrep's findings; a match both engines find is one finding."""
    out = run("report", "main..HEAD", "--deep", "--format", "json", "--no-progress",
              cwd=history.root)
    deep = json.loads(out.stdout)
    assert deep["findings"]["by_rule"] == doc["findings"]["by_rule"]
    assert all("semgrep" in f["engines"] for f in deep["findings"]["items"])



def test_report_html_escapes_what_commits_carry(work: Path) -> None:
    """Commit subjects come from whoever pushed: they are text in the page, never markup."""
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    (work / "e.py").write_text("X = 1\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "--no-verify", "-m", evil)
    page = run("report", "main..HEAD", "--format", "html", "--no-progress", cwd=work).stdout
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
