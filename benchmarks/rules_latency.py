"""Re-checking one edited AI span in a 5,000-line Python file: the editor's hot path.

Each round types one character inside the AI-written function (``tree.edit`` + incremental
reparse), then re-checks the span's byte range with the whole packaged rule set. Printed: the
median and p95 of the re-check (the target is a median under 1 ms), of the edit, and of a cold
whole-file scan for comparison.

    python benchmarks/rules_latency.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import python_source

LINES = 5000
ROUNDS = 400


def _point(src: bytes, byte: int) -> tuple[int, int]:
    row = src.count(b"\n", 0, byte)
    return row, byte - (src.rfind(b"\n", 0, byte) + 1)


def run() -> dict:
    from tracemark.rules.engine import DocumentChecker, default_engine

    engine = default_engine()
    engine.pack("python")  # compile once, as the server does at start
    text, (a, b) = python_source(LINES)
    src = text.encode()
    start_b, end_b = len(text[:a].encode()), len(text[:b].encode())
    chk = DocumentChecker("python", src, engine=engine)
    assert [f.rule_id for f in chk.check([(start_b, end_b)])] == ["py-subprocess-shell"]

    insert_at = src.index(b'"/srv"', start_b) + 1  # inside the string literal of the AI span
    edit_ms, check_ms = [], []
    for i in range(ROUNDS):
        old = chk.source
        ch = b"x" if i % 2 == 0 else b""
        if ch:
            new = old[:insert_at] + ch + old[insert_at:]
            old_end, new_end = insert_at, insert_at + 1
        else:
            new = old[:insert_at] + old[insert_at + 1:]
            old_end, new_end = insert_at + 1, insert_at
        t0 = time.perf_counter()
        chk.edit(insert_at, old_end, new_end, _point(old, insert_at), _point(old, old_end),
                 _point(new, new_end), new)
        t1 = time.perf_counter()
        span_end = end_b + (1 if ch else 0)
        found = chk.check([(start_b, span_end)])
        t2 = time.perf_counter()
        assert found and found[0].rule_id == "py-subprocess-shell"
        edit_ms.append((t1 - t0) * 1000)
        check_ms.append((t2 - t1) * 1000)

    cold = []
    for _ in range(5):
        t0 = time.perf_counter()
        engine.scan_source("python", src)
        cold.append((time.perf_counter() - t0) * 1000)

    def p95(xs: list[float]) -> float:
        return sorted(xs)[int(len(xs) * 0.95) - 1]

    return {
        "lines": text.count("\n"),
        "rules": len(engine.pack("python").rules),
        "recheck_median_ms": round(statistics.median(check_ms), 3),
        "recheck_p95_ms": round(p95(check_ms), 3),
        "edit_reparse_median_ms": round(statistics.median(edit_ms), 3),
        "edit_plus_recheck_median_ms": round(
            statistics.median(e + c for e, c in zip(edit_ms, check_ms, strict=True)), 3),
        "whole_file_scan_median_ms": round(statistics.median(cold), 2),
    }


def main() -> None:
    r = run()
    print(f"Re-checking one edited AI span: {r['lines']}-line Python file, {r['rules']} rules, "
          f"{ROUNDS} edits")
    print(f"  re-check (span query)      median {r['recheck_median_ms']:.3f} ms   "
          f"p95 {r['recheck_p95_ms']:.3f} ms   (target: median < 1 ms)")
    print(f"  edit (tree.edit + reparse) median {r['edit_reparse_median_ms']:.3f} ms")
    print(f"  edit + re-check            median {r['edit_plus_recheck_median_ms']:.3f} ms")
    print(f"  whole-file scan (cold)     median {r['whole_file_scan_median_ms']:.2f} ms")


if __name__ == "__main__":
    main()
