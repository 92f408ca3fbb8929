"""The two tiers side by side on one 1,000-line Python file, in one run.

Deep tier: semgrep with the exported pack (fixed argument list, --experimental, offline), one
process per scan as the language server runs it on save. Fast tier: a whole-file tree-sitter
scan, and a re-check of one AI function (the on-change path). Medians over several runs.

    python benchmarks/semgrep_vs_fast.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import python_source
from _report import table

LINES = 1000
SEMGREP_RUNS = 5
FAST_RUNS = 50


def run() -> dict:
    from tracemark.rules.engine import DocumentChecker, default_engine
    from tracemark.rules.semgrep import SemgrepRun

    engine = default_engine()
    engine.pack("python")
    text, (a, b) = python_source(LINES)
    src = text.encode()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "app.py"
        target.write_bytes(src)
        deep, deep_found = [], 0
        for _ in range(SEMGREP_RUNS):
            t0 = time.perf_counter()
            result = SemgrepRun([target], rules=engine.rules).run()
            deep.append(time.perf_counter() - t0)
            if result.reason:
                raise SystemExit(f"semgrep: {result.reason}")
            deep_found = len(result.findings)
    fast, fast_found = [], 0
    for _ in range(FAST_RUNS):
        t0 = time.perf_counter()
        fast_found = len(engine.scan_source("python", src))
        fast.append(time.perf_counter() - t0)
    span = (len(text[:a].encode()), len(text[:b].encode()))
    chk = DocumentChecker("python", src, engine=engine)
    chk.check([span])
    spans = []
    for i in range(FAST_RUNS):
        chk.update(src + (b"\n" if i % 2 == 0 else b""))  # an edit elsewhere: cache is kept
        chk._cache.clear()  # measure the query itself, not a cache hit
        t0 = time.perf_counter()
        chk.check([span])
        spans.append(time.perf_counter() - t0)
    return {
        "lines": text.count("\n"),
        "semgrep_median_s": round(statistics.median(deep), 3),
        "semgrep_findings": deep_found,
        "fast_file_median_ms": round(statistics.median(fast) * 1000, 2),
        "fast_findings": fast_found,
        "fast_span_median_ms": round(statistics.median(spans) * 1000, 3),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    r = run()
    ratio = r["semgrep_median_s"] * 1000 / r["fast_file_median_ms"]
    rows = [["deep: semgrep (process per scan)", f"{r['semgrep_median_s'] * 1000:.0f}",
             str(r["semgrep_findings"])],
            ["fast: tree-sitter, whole file", f"{r['fast_file_median_ms']:.2f}",
             str(r["fast_findings"])],
            ["fast: one AI function, uncached", f"{r['fast_span_median_ms']:.3f}", ""]]
    if args.json:
        print(json.dumps({"schema": "tracemark/bench-tiers/v1", **r, "figures": [], "tables": [
            table(f"One {r['lines']:,}-line Python file, the same rule pack in both tiers "
                  f"(medians of {SEMGREP_RUNS} and {FAST_RUNS} runs; whole-file fast scan "
                  f"{ratio:.0f}× quicker)", ["tier", "median (ms)", "findings"], rows)]},
                         indent=2))
        return
    print(f"One {r['lines']}-line Python file, same rule pack in both tiers")
    print(f"  {'tier':34} {'median':>12} {'findings':>9}")
    for label, ms, found in rows:
        print(f"  {label:34} {ms:>9} ms {found:>9}")
    print(f"  whole-file fast scan is {ratio:.0f}x quicker than a semgrep run")


if __name__ == "__main__":
    main()
