"""``tracemark report`` on a history of SSH-signed commits: what the report costs beyond the gate.

The repository is the one ``benchmarks/verify.py`` builds (each commit adds a small module
whose AI lines are attested and signed by tracemark's own hook code). Side by side in one run:

- ``gate``: :func:`tracemark.gate.evaluate.verify_range` alone (the computation the report
  reuses);
- ``report document``: :func:`tracemark.report.build.build_report` (the gate, one more git
  process for the dates, the figures);
- ``markdown`` / ``html``: rendering the document (the HTML with its SVG charts), and the
  HTML file's size;
- ``guidance``: the instructions and the plan for the four instruction files.

Run: python benchmarks/report.py [--commits 300] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from verify import attested_repo  # the verify benchmark's repository


def _stats(times: list[float], unit: str = "s", scale: float = 1.0) -> str:
    t = [x * scale for x in times]
    sd = statistics.stdev(t) if len(t) > 1 else 0.0
    return (f"median {statistics.median(t):8.3f} {unit}  (min-max {min(t):.3f}-{max(t):.3f}, "
            f"stdev {sd:.3f}, n={len(t)})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commits", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build (or reuse) the repository here")
    args = ap.parse_args(argv)

    from tracemark.attest.config import load_config
    from tracemark.gate.evaluate import verify_range
    from tracemark.gate.trust import load_trust
    from tracemark.guidance.advice import groups
    from tracemark.guidance.plan import plan
    from tracemark.report.build import build_report
    from tracemark.report.html import render_html
    from tracemark.report.markdown import render_markdown

    with attested_repo(args.commits, args.keep, "report") as root:
        spec = "base..HEAD"
        trust = load_trust(root, load_config(root))
        times: dict[str, list[float]] = {k: [] for k in (
            "gate", "report document", "markdown", "html", "guidance")}
        doc: dict = {}
        page = ""
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            verify_range(root, spec, trust)
            times["gate"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            doc = build_report(root, spec, trust)
            times["report document"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            render_markdown(doc)
            times["markdown"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            page = render_html(doc)
            times["html"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            plan(root, doc, groups(doc))
            times["guidance"].append(time.perf_counter() - t0)
        n = doc["summary"]["commits"]
        print(f"\ntracemark report, {n} SSH-signed commits, {doc['summary']['ai_lines']} AI "
              f"lines, fast tier, {os.cpu_count()} cores")
        for name in ("gate", "report document"):
            print(f"  {name:<16} {_stats(times[name])}")
        for name in ("markdown", "html", "guidance"):
            print(f"  {name:<16} {_stats(times[name], 'ms', 1000)}")
        extra = statistics.median(times["report document"]) - statistics.median(times["gate"])
        print(f"  report beyond the gate: {extra * 1000:+.0f} ms (dates, figures); "
              f"HTML file {len(page.encode()) / 1024:.0f} KiB")
        if hasattr(os, "getloadavg"):
            print(f"  load average during the run: {os.getloadavg()[0]:.1f}")
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
