"""Re-checking one edited AI span in a 5,000-line file: the editor's hot path.

Each round types (then, in the second half, deletes) one character inside the AI-written
function (``tree.edit`` + incremental reparse), so nearly every round has a text no cache holds
yet, then re-checks the span's byte range with the whole packaged rule set of the file's
language. Run for a Python and a TypeScript file side by side. Printed: the median and p95 of
the re-check (the target is a median under 1 ms), of the edit, and of a cold whole-file scan
for comparison.

    python benchmarks/rules_latency.py
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import python_source, typescript_source
from _report import figure, table

LINES = 5000
ROUNDS = 400


def _point(src: bytes, byte: int) -> tuple[int, int]:
    row = src.count(b"\n", 0, byte)
    return row, byte - (src.rfind(b"\n", 0, byte) + 1)


#: language -> (corpus, the rule the AI span must trigger)
CASES = {
    "python": (python_source, "py-subprocess-shell"),
    "typescript": (typescript_source, "js-child-process-exec"),
}


def run(language: str = "python", rounds: int = ROUNDS) -> dict:
    from tracemark.rules.engine import DocumentChecker, default_engine

    corpus, expected = CASES[language]
    engine = default_engine()
    engine.pack(language)  # compile once, as the server does at start
    text, (a, b) = corpus(LINES)
    src = text.encode()
    start_b, end_b = len(text[:a].encode()), len(text[:b].encode())
    chk = DocumentChecker(language, src, engine=engine)
    assert [f.rule_id for f in chk.check([(start_b, end_b)])] == [expected]

    insert_at = src.index(b'"/srv"', start_b) + 1  # inside the string literal of the AI span
    edit_ms, check_ms = [], []
    typed = 0  # characters typed so far: every round is a new text, as when a person types
    for i in range(rounds):
        old = chk.source
        pos = insert_at + typed
        if i < rounds // 2:  # type a word, one letter per round, then delete it again
            ch = bytes([97 + i % 26])
            new = old[:pos] + ch + old[pos:]
            edit_at, old_end, new_end = pos, pos, pos + 1
            typed += 1
        else:
            ch = b""
            new = old[:pos - 1] + old[pos:]
            edit_at, old_end, new_end = pos - 1, pos, pos - 1
            typed -= 1
        t0 = time.perf_counter()
        chk.edit(edit_at, old_end, new_end, _point(old, edit_at), _point(old, old_end),
                 _point(new, new_end), new)
        t1 = time.perf_counter()
        span_end = end_b + typed
        found = chk.check([(start_b, span_end)])
        t2 = time.perf_counter()
        assert [f.rule_id for f in found] == [expected]
        edit_ms.append((t1 - t0) * 1000)
        check_ms.append((t2 - t1) * 1000)

    cold = []
    for _ in range(5):
        t0 = time.perf_counter()
        engine.scan_source(language, src)
        cold.append((time.perf_counter() - t0) * 1000)

    def p95(xs: list[float]) -> float:
        return sorted(xs)[int(len(xs) * 0.95) - 1]

    return {
        "language": language, "rounds": rounds,
        "lines": text.count("\n"),
        "rules": len(engine.pack(language).rules),
        "recheck_median_ms": round(statistics.median(check_ms), 3),
        "recheck_p95_ms": round(p95(check_ms), 3),
        "edit_reparse_median_ms": round(statistics.median(edit_ms), 3),
        "edit_plus_recheck_median_ms": round(
            statistics.median(e + c for e, c in zip(edit_ms, check_ms, strict=True)), 3),
        "whole_file_scan_median_ms": round(statistics.median(cold), 2),
    }


ROWS = [("re-check of the edited span, median (target < 1 ms)", "recheck_median_ms"),
        ("re-check, p95", "recheck_p95_ms"),
        ("edit (`tree.edit` + incremental reparse), median", "edit_reparse_median_ms"),
        ("edit + re-check, median", "edit_plus_recheck_median_ms"),
        ("whole-file scan of the same file, cold, median", "whole_file_scan_median_ms")]


def report(results: list[dict]) -> dict:
    """Figures and tables for docs/benchmarks.md (``run_all.py``)."""
    figures = [figure(f"fast tier: re-check of an edited AI span, {r['lines']:,}-line "
                      f"{r['language']} file, {r['rules']} rules", r["recheck_median_ms"], "ms",
                      spread=f"p95 {r['recheck_p95_ms']:g} ms over {r['rounds']} edits",
                      target="< 1 ms", met=r["recheck_median_ms"] < 1.0,
                      command="python benchmarks/rules_latency.py") for r in results]
    columns = ["measure (ms)", *(f"{r['language']} ({r['rules']} rules)" for r in results)]
    rows = [[label, *(f"{r[key]:g}" for r in results)] for label, key in ROWS]
    return {"figures": figures, "tables": [table(
        f"One AI function edited {results[0]['rounds']} times in a {LINES:,}-line file, "
        "re-checked after each edit", columns, rows)]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=ROUNDS, help="edits per language")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    results = [run(lang, args.rounds) for lang in CASES]
    if args.json:
        print(json.dumps({"schema": "tracemark/bench-rules-latency/v1", "results": results,
                          **report(results)}, indent=2))
        return
    print(f"Re-checking one edited AI span in a {LINES:,}-line file, {args.rounds} edits "
          "(target: re-check median < 1 ms)")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"  machine: {os.cpu_count()} cores, load average {load:.1f} (p95 moves with it)")
    print(f"  {'':28}" + "".join(f"{r['language']:>24}" for r in results))
    print(f"  {'rules compiled':28}" + "".join(f"{r['rules']:>24}" for r in results))
    rows = [("re-check median / p95 (ms)", "recheck_median_ms", "recheck_p95_ms"),
            ("edit (tree.edit + reparse)", "edit_reparse_median_ms", None),
            ("edit + re-check", "edit_plus_recheck_median_ms", None),
            ("whole-file scan, cold", "whole_file_scan_median_ms", None)]
    for label, key, extra in rows:
        cells = [f"{r[key]:.3f}" + (f" / {r[extra]:.3f}" if extra else "") for r in results]
        print(f"  {label:28}" + "".join(f"{c:>24}" for c in cells))


if __name__ == "__main__":
    main()
