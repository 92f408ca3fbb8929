"""Language server memory with 200 open 1,000-line files (issue 11 target: under 150 MB).

A throw-away git repository gets 200 different 1,000-line Python files; the real
``tracemark serve`` opens all of them, each with its AI-written function marked
(``tracemark/markRange``), and the benchmark waits until the fast tier has published the
diagnostics of every file (each has a finding in its AI function: every file has been parsed
and checked). Then the server's resident set size (``VmRSS``) and its peak (``VmHWM``) are read
from ``/proc``, beside the same server idle after ``initialize``. Repeated ``--runs`` times, each
a fresh server.

    python benchmarks/memory.py [--files 200] [--lines 1000] [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _corpus import python_source
from _lsp_client import Client, rss_mb

TARGET_MB = 150.0


def position(text: str, offset: int) -> dict[str, int]:
    before = text[:offset]
    return {"line": before.count("\n"),
            "character": len(before.encode("utf-16-le")) // 2
            - len(before[:before.rfind("\n") + 1].encode("utf-16-le")) // 2}


def one(root: Path, files: list[tuple[Path, str, tuple[int, int]]]) -> dict[str, float]:
    client = Client(root)
    client.initialize(root)
    time.sleep(0.5)
    idle = rss_mb(client.proc.pid) or {}
    t0 = time.perf_counter()
    for path, text, (a, b) in files:
        uri = path.as_uri()
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}})
        client.request("tracemark/markRange", {
            "textDocument": {"uri": uri, "version": 1},
            "range": {"start": position(text, a), "end": position(text, b)},
            "origin": {"kind": "ai", "tool": "copilot", "model": "gpt-4.1"}})
    uris = {p.as_uri() for p, _, _ in files}
    client.pump_until(lambda: all(client.diagnostics.get(u) for u in uris))
    checked_s = time.perf_counter() - t0
    time.sleep(1.0)
    loaded = rss_mb(client.proc.pid) or {}
    client.close()
    return {"idle_rss_mb": idle.get("VmRSS", 0.0), "rss_mb": loaded.get("VmRSS", 0.0),
            "peak_rss_mb": loaded.get("VmHWM", 0.0), "open_and_check_s": round(checked_s, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    load = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="tracemark-bench-memory-") as tmp:
        root = Path(tmp)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        files = []
        for i in range(args.files):
            text, span = python_source(args.lines, seed=i)
            path = root / "pkg" / f"mod_{i:03}.py"
            path.parent.mkdir(exist_ok=True)
            path.write_text(text)
            files.append((path, text, span))
        runs = [one(root, files) for _ in range(args.runs)]
    rss = [r["rss_mb"] for r in runs]
    r = {"schema": "tracemark/bench-memory/v1", "files": args.files, "lines": args.lines,
         "load_average_start": load, "runs": runs, "target_mb": TARGET_MB,
         "rss_mb": {"median": statistics.median(rss), "min": min(rss), "max": max(rss)}}
    med = r["rss_mb"]["median"]
    r["met"] = med < TARGET_MB
    r["figures"] = [{"name": f"memory: server RSS, {args.files} open {args.lines:,}-line files",
                     "median": med, "spread": f"{min(rss)}–{max(rss)} over {len(rss)} runs",
                     "unit": "MB", "target": f"< {TARGET_MB:.0f} MB", "met": r["met"],
                     "command": "python benchmarks/memory.py"}]
    r["tables"] = [{
        "title": f"{args.files} files of {args.lines:,} lines open, each with its AI function "
                 "marked and checked; one row per fresh server",
        "columns": ["run", "RSS idle after initialize (MB)", "RSS, all files checked (MB)",
                    "peak RSS (MB)", "open + check all (s)"],
        "rows": [[str(i + 1), f"{x['idle_rss_mb']:.0f}", f"{x['rss_mb']:.0f}",
                  f"{x['peak_rss_mb']:.0f}", f"{x['open_and_check_s']:.1f}"]
                 for i, x in enumerate(runs)]}]
    if args.json:
        print(json.dumps(r, indent=2))
        return 0
    for row in r["tables"][0]["rows"]:
        print(f"run {row[0]}: idle {row[1]} MB, {args.files} files checked {row[2]} MB, "
              f"peak {row[3]} MB, {row[4]} s")
    print(f"median {med} MB (target < {TARGET_MB:.0f} MB): {'met' if r['met'] else 'MISSED'} "
          f"(load average {load[0]})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
