"""``make bench`` (benchmarks/run_all.py): every script it runs starts and takes ``--json``, and
the page it writes says what was measured, on what, and which targets were missed.

The benchmarks themselves are not run here (they take twenty minutes and their figures belong
in docs/benchmarks.md, not in assertions); these tests keep the command that produces them
working.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import run_all  # noqa: E402


@pytest.mark.parametrize("bench", run_all.BENCHES, ids=lambda b: b.key)
def test_every_benchmark_make_bench_runs_accepts_its_arguments(bench: run_all.Bench):
    """``--help`` imports the script and parses its options: the ``--json`` that run_all
    passes, and the smaller ``--quick`` sizes, must be among them."""
    out = subprocess.run([sys.executable, str(BENCH / bench.script), "--help"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for option in ["--json", *(a for a in bench.quick if a.startswith("--"))]:
        assert option in out.stdout, f"{bench.script} has no {option}"


def _figure(name: str, median: float, met: bool | None) -> dict:
    return {"name": name, "median": median, "unit": "ms", "spread": "p10–p90 1–2",
            "target": None if met is None else "< 3 ms", "met": met,
            "command": "python benchmarks/x.py"}


def test_the_page_names_the_machine_every_figure_and_each_missed_target():
    info = {"cpu": "Test CPU", "cores": 2, "memory_gib": 24.0, "os": "Linux 6", "python": "3.11",
            "versions": {k: "1.0" for k in ("tracemark", "pygls", "tree-sitter", "semgrep",
                                            "bandit", "pydantic")},
            "git": "git version 2", "ssh": "OpenSSH_9", "load_average_start": [0.5, 0.4, 0.3]}
    results = {
        "keystroke": {"figures": [_figure("keystroke p50", 0.9, True),
                                  _figure("keystroke p99", 22.0, False)],
                      "tables": [{"title": "Latency", "columns": ["measure", "p50"],
                                  "rows": [["a | b", "0.9"]]}],
                      "seconds": 60, "load_average_before": 0.5, "load_average_after": 0.6,
                      "command": "python benchmarks/lsp_latency.py"},
        "startup": {"error": "exit status 1", "output": "Traceback ...\nBoom"},
    }
    page = run_all.render(info, results, False, dt.datetime(2026, 11, 30, 10, 0), 125.0)
    assert "Test CPU, 2 cores, 24.0 GiB" in page
    assert "2026-11-30 10:00 UTC" in page
    assert "| keystroke p50 | **0.900 ms** |" in page
    assert "Targets missed: keystroke p99." in page
    assert "**missed**" in page and "| met |" in page
    assert "a \\| b" in page  # a cell's pipe does not break the table
    assert "`startup.py` failed: exit status 1." in page and "Boom" in page
    note = (BENCH / "notes" / "keystroke.md").read_text().strip().splitlines()[0]
    assert note in page  # the hand-written reading follows the figures


def test_every_benchmark_has_its_reading_in_notes():
    missing = [b.key for b in run_all.BENCHES if not (BENCH / "notes" / f"{b.key}.md").is_file()]
    assert not missing
