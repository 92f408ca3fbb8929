"""Issue 12: the HTML report rendered in headless Chromium (Debian's ``chromium``, installed by
``make test``'s ``chromium`` prerequisite), a screenshot written as a test artifact
(``test-artifacts/report/report.png``), and assertions on the *rendered* page: the charts are
laid out with a size, their bars drawn, the figures shown match the JSON report, and the page
requested nothing but itself."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from chromium_cdp import Browser, chromium_path
from report_support import History, run

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"

#: Read from the rendered page (layout boxes come from the browser, not from the HTML text).
PROBE = """
(() => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
  const texts = (sel, root = document) => [...root.querySelectorAll(sel)].map(e => e.textContent);
  const charts = {};
  for (const svg of document.querySelectorAll('svg.chart')) {
    charts[svg.id] = {
      box: box(svg),
      title: svg.querySelector('title').textContent,
      drawn: [...svg.querySelectorAll('rect')].filter(r => box(r)[0] > 0 && box(r)[1] > 0).length,
      labels: texts('text.label', svg),
      values: texts('text.value', svg),
      notes: texts('text.note', svg),
    };
  }
  const kpis = {};
  for (const el of document.querySelectorAll('[data-figure]')) {
    kpis[el.dataset.figure] = [el.textContent, box(el)[0] > 0];
  }
  const rows = sel => [...document.querySelectorAll(sel + ' tbody tr')].map(
    tr => [...tr.children].map(td => td.innerText.trim()));
  return {
    title: document.title, charts, kpis,
    headline: document.getElementById('headline').innerText,
    tools: rows('#tools table'),
    matrix: rows('#matrix table'),
    telemetry: document.getElementById('telemetry').innerText,
    fontFamily: getComputedStyle(document.body).fontFamily,
    height: document.documentElement.scrollHeight,
  };
})()
"""


@pytest.fixture(scope="module")
def chromium() -> str:
    path = chromium_path()
    if path is None:
        pytest.skip("chromium is not installed and could not be installed here (make test "
                    "installs Debian's chromium package as root with apt-get: make chromium)")
    return path


def test_html_report_rendered_in_headless_chromium(history: History, chromium: str,
                                                   tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    assert run("report", "main..HEAD", "-o", str(page), "--no-progress",
               cwd=history.root).returncode == 0
    doc = json.loads(run("report", "main..HEAD", "--format", "json", "--no-progress",
                         cwd=history.root).stdout)
    browser = Browser(chromium)
    try:
        browser.open(page.as_uri())
        seen = browser.evaluate(PROBE)
        png = browser.screenshot(ARTIFACTS / "report.png")
        requested = browser.requested_urls()
    finally:
        browser.close()

    # Works offline: the page asked for nothing but itself (no font, script, image, style).
    assert requested == [page.as_uri()]
    assert seen["title"] == "tracemark report: main..HEAD"

    # Every chart is laid out and drawn.
    charts = seen["charts"]
    assert set(charts) == {"chart-timeline", "chart-tool-lines", "chart-tool-rate",
                           "chart-severity", "chart-rules", "chart-cwe", "chart-review"}
    for name, c in charts.items():
        assert c["box"][0] > 300 and c["box"][1] > 40, (name, c["box"])
        assert c["drawn"] > 0, name
    # The timeline: one column per commit (6 commits), each with its AI share above it.
    s = doc["summary"]
    shares = [f"{round(100 * c['ai_share'])}%" for c in doc["timeline"]["commits"]]
    assert charts["chart-timeline"]["notes"] == shares == ["40%", "100%", "0%", "100%", "0%",
                                                            "100%"]
    stacked = sum(len(c["by_tool"]) + (c["lines"]["human"] > 0) + (c["lines"]["unattested"] > 0)
                  for c in doc["timeline"]["commits"])
    legend = 4  # two tools, human, unattested
    assert charts["chart-timeline"]["drawn"] == stacked + legend
    # Bars by rule, with their counts written beside them, as in the JSON.
    assert charts["chart-rules"]["labels"] == [r["rule"] for r in doc["findings"]["by_rule"]]
    assert charts["chart-rules"]["values"] == [f"{r['count']} ({r['open']} open)"
                                               for r in doc["findings"]["by_rule"]]
    assert charts["chart-cwe"]["labels"] == [c["cwe"] for c in doc["findings"]["by_cwe"]]
    assert charts["chart-severity"]["values"] == [str(v) for v in
                                                  doc["findings"]["by_severity"].values()]
    rates = {t["label"]: t["findings_per_1000_lines"] for t in doc["tools"]}
    assert charts["chart-tool-rate"]["labels"] == list(rates)
    assert charts["chart-tool-rate"]["values"] == ["200 (2 findings)", "166.7 (1 finding)"]
    assert rates == {"claude-code:claude-sonnet-4": 200.0, "copilot:gpt-4.1": 166.67}
    assert charts["chart-review"]["values"][0] == "4 of 16 reviewed (25%)"

    # The key figures, visible, equal to the JSON's.
    assert seen["kpis"]["ai_share"] == [f"{round(100 * s['ai_share'])}%", True] == ["57%", True]
    assert seen["kpis"]["ai_lines"] == [str(s["ai_lines"]), True]
    assert seen["kpis"]["findings_on_ai_lines"] == [str(s["findings_on_ai_lines"]), True]
    assert seen["kpis"]["findings_per_1000_ai_lines"] == ["187.5", True]
    assert seen["kpis"]["reviewed_share"] == ["25%", True]
    assert seen["kpis"]["telemetry_findings"] == [str(s["telemetry_findings"]), True]
    assert seen["headline"].startswith("57% of the 28 lines added are AI")
    # The tables behind the charts.
    assert [r[:2] for r in seen["tools"]] == [[t["label"], str(t["lines"]["total"])]
                                              for t in doc["tools"]]
    assert seen["matrix"][0] == ["py-subprocess-shell", "1", "1"]
    assert "Telemetry integrity" in seen["telemetry"]
    assert "DejaVu Sans" in seen["fontFamily"] or "system-ui" in seen["fontFamily"]

    # The screenshot: a PNG of the whole page, written as an artifact.
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 1100 and height >= seen["height"] - 2 and height > 1500
    assert len(png) > 50_000  # charts and text, not a blank page
