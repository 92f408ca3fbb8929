"""Run every benchmark and write docs/benchmarks.md (``make bench``).

Each benchmark is a script in this folder that also runs on its own; here each one runs as a
separate process with ``--json`` (so one's imports, caches or threads cannot colour the next),
and what it prints (headline figures with median, spread and target, and tables of the
supporting measures, see ``_report.py``) is written into one Markdown page: the machine, the
date, a summary of every figure against its target, then one section per benchmark with its
tables and the hand-written reading of them from ``benchmarks/notes/<name>.md`` (the why, the
profile behind any gap). The raw JSON goes beside it, in docs/benchmarks.json.

    python benchmarks/run_all.py              # everything, about 20 minutes on 2 cores
    python benchmarks/run_all.py --quick      # smaller runs, a few minutes (figures rougher)
    python benchmarks/run_all.py --only keystroke --only startup
    python benchmarks/run_all.py --render     # rewrite the page from docs/benchmarks.json
                                              # (after editing benchmarks/notes/), no runs

A benchmark that fails is reported in the page with its last lines of output; the others still
run, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass(frozen=True)
class Bench:
    key: str
    title: str
    script: str
    quick: list[str] = field(default_factory=list)
    full: list[str] = field(default_factory=list)
    timeout_s: int = 1800


BENCHES = [
    Bench("keystroke", "Keystroke latency: the language server over stdio", "lsp_latency.py",
          quick=["--edits", "200", "--tool-runs", "2"]),
    Bench("memory", "Language server memory", "memory.py",
          quick=["--files", "50", "--runs", "1"]),
    Bench("startup", "Language server start-up", "startup.py", quick=["--runs", "5"]),
    Bench("commit_hook", "Commit hook", "commit_hook.py", quick=["--repeats", "5"]),
    Bench("verify", "CI gate: `tracemark verify`", "verify.py",
          quick=["--commits", "200", "--repeat", "1", "--no-baseline"]),
    Bench("agent_hook", "Agent hook", "agent_hook.py", quick=["--runs", "5"]),
    Bench("detection", "Detection on labelled data", "detection.py"),
    Bench("rules_latency", "Fast tier: re-check of an edited AI span", "rules_latency.py",
          quick=["--rounds", "100"]),
    Bench("semgrep_vs_fast", "Deep tier vs fast tier", "semgrep_vs_fast.py"),
    Bench("infra_rules", "Infrastructure and dependency rules", "infra_rules.py"),
]


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _first_line(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    return ((out.stdout or out.stderr).strip().splitlines() or ["?"])[0]


def machine() -> dict[str, Any]:
    """What the figures depend on: CPU, memory, load, and the versions of what runs."""
    cpu = platform.processor() or platform.machine()
    mem = None
    try:
        m = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = m.group(1).strip() if m else cpu
        kb = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        mem = round(int(kb.group(1)) / 1024 / 1024, 1) if kb else None
    except OSError:
        pass
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in
                     ("tracemark", "pygls", "tree-sitter", "semgrep", "bandit", "pydantic")},
        "git": _first_line(["git", "--version"]),
        "ssh": _first_line(["ssh", "-V"]),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


def run_one(b: Bench, quick: bool) -> dict[str, Any]:
    """Run one benchmark script with ``--json``; its progress goes to our stderr."""
    cmd = [sys.executable, str(HERE / b.script), "--json", *(b.quick if quick else b.full)]
    print(f"== {b.key}: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    env = {**os.environ, "SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"}
    try:
        proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=None, text=True,
                              timeout=b.timeout_s, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {b.timeout_s} s"}
    took = round(time.monotonic() - t0, 1)
    if proc.returncode != 0:
        return {"error": f"exit status {proc.returncode}", "output": proc.stdout[-2000:],
                "seconds": took}
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        return {"error": "its --json output is not JSON", "output": proc.stdout[-2000:],
                "seconds": took}
    result.update(seconds=took, load_average_before=round(load, 2),
                  load_average_after=round(os.getloadavg()[0], 2), command=" ".join(
                      ["python", f"benchmarks/{b.script}", *(b.quick if quick else b.full)]))
    return result


def _md_table(columns: list[str], rows: list[list[Any]]) -> list[str]:
    def cell(x: Any) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")
    out = ["| " + " | ".join(cell(c) for c in columns) + " |",
           "|" + "|".join("---" for _ in columns) + "|"]
    out += ["| " + " | ".join(cell(x) for x in row) + " |" for row in rows]
    return out


def _verdict(f: dict[str, Any]) -> str:
    if f.get("met") is None:
        return "—"
    return "met" if f["met"] else "**missed**"


def _value(f: dict[str, Any]) -> str:
    v = f["median"]
    text = f"{v:,.3f}" if isinstance(v, float) and abs(v) < 1 else (
        f"{v:,.2f}" if isinstance(v, float) and abs(v) < 10 else
        f"{v:,.1f}" if isinstance(v, float) else f"{v:,}")
    return f"{text} {f['unit']}".strip()


def render(info: dict[str, Any], results: dict[str, dict[str, Any]], quick: bool,
           started: dt.datetime, seconds: float) -> str:
    v = info["versions"]
    lines = [
        "# Benchmarks", "",
        "<!-- Written by `make bench` (benchmarks/run_all.py): edit benchmarks/notes/*.md "
        "instead. -->", "",
        f"Generated {started:%Y-%m-%d %H:%M} UTC by `make bench`"
        + (" with `--quick` (smaller runs; rougher figures)" if quick else "")
        + f" in {seconds / 60:.0f} minutes. Every figure is printed by a script in "
        "`benchmarks/` that also runs on its own (the command beside it); each ran as its own "
        "process, one after the other.", "",
        "Machine: " + f"{info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB, "
        f"{info['os']}; Python {info['python']}, tracemark {v['tracemark']}, pygls {v['pygls']}, "
        f"py-tree-sitter {v['tree-sitter']}, semgrep {v['semgrep']}, bandit {v['bandit']}, "
        f"pydantic {v['pydantic']}; {info['git']}; {info['ssh']}.", "",
        "Load average (1 min) when the run started: "
        f"{info['load_average_start'][0]}; per benchmark in its section. The machine may be "
        "shared: wall-clock times, p95 and above especially, grow with the load, while the CPU "
        "times some benchmarks also report do not.", "",
        "## Summary", "",
    ]
    rows = []
    for b in BENCHES:
        r = results.get(b.key)
        if r is None:
            continue
        if "error" in r:
            rows.append([b.title, "—", "", "", f"**failed**: {r['error']}", ""])
            continue
        for f in r.get("figures", []):
            rows.append([f["name"], f"**{_value(f)}**", f.get("spread") or "",
                         f.get("target") or "", _verdict(f), f"`{f['command']}`"])
    lines += _md_table(["figure", "median", "spread", "target", "", "re-run"], rows)
    missed = [f["name"] for r in results.values() for f in r.get("figures", [])
              if f.get("met") is False]
    lines += ["", ("Targets missed: " + "; ".join(missed) + ". Each section below says why, "
                   "with the profile behind it.") if missed else "Every target is met.", ""]
    for b in BENCHES:
        r = results.get(b.key)
        if r is None:
            continue
        lines += [f"## {b.title}", ""]
        if "error" in r:
            lines += [f"`{b.script}` failed: {r['error']}.", "", "```",
                      *(r.get("output") or "").strip().splitlines()[-20:], "```", ""]
        else:
            lines += [f"`{r['command']}` ({r['seconds']:.0f} s; load average "
                      f"{r['load_average_before']} before, {r['load_average_after']} after).",
                      ""]
            for t in r.get("tables", []):
                lines += [f"{t['title']}:", "", *_md_table(t["columns"], t["rows"]), ""]
        note = HERE / "notes" / f"{b.key}.md"
        if note.is_file():
            lines += [note.read_text().strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller runs (a few minutes)")
    ap.add_argument("--only", action="append", choices=[b.key for b in BENCHES],
                    help="run only this benchmark (repeatable); the page keeps the others' "
                         "last results from docs/benchmarks.json")
    ap.add_argument("--render", action="store_true",
                    help="run nothing: write the page again from docs/benchmarks.json")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = ap.parse_args()
    raw_path = args.out.with_suffix(".json")
    if args.render:
        saved = json.loads(raw_path.read_text())
        started = dt.datetime.fromisoformat(saved["date"])
        args.out.write_text(render(saved["machine"], saved["results"], saved["quick"], started,
                                   saved.get("seconds", 0.0)))
        return 0
    started = dt.datetime.now(dt.UTC)
    t0 = time.monotonic()
    info = machine()
    results: dict[str, dict[str, Any]] = {}
    if args.only and raw_path.is_file():
        try:
            results = json.loads(raw_path.read_text()).get("results", {})
        except ValueError:
            results = {}
    for b in BENCHES:
        if args.only and b.key not in args.only:
            continue
        results[b.key] = run_one(b, args.quick)
        r = results[b.key]
        if "error" in r:
            print(f"   {b.key} FAILED: {r['error']}", file=sys.stderr)
        for f in r.get("figures", []):
            print(f"   {f['name']}: {_value(f)} ({f.get('spread') or ''}) "
                  f"target {f.get('target') or '—'}: {_verdict(f).strip('*')}", file=sys.stderr)
    seconds = time.monotonic() - t0
    args.out.write_text(render(info, results, args.quick, started, seconds))
    raw_path.write_text(json.dumps({"schema": "tracemark/benchmarks/v1",
                                    "date": started.isoformat(timespec="seconds"),
                                    "quick": args.quick, "seconds": round(seconds, 1),
                                    "machine": info,
                                    "results": results}, indent=1) + "\n")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out} "
          f"and {raw_path.name}", file=sys.stderr)
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
