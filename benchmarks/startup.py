"""Language server start-up: from launching ``tracemark serve`` to ``initialize`` answered.

What an editor waits for before anything works (issue 11 target: under 400 ms). Each run
starts a fresh process, sends ``initialize`` at once (the message waits in the pipe while the
interpreter starts, as with a real editor) and stops the clock when the answer arrives; then
``shutdown``/``exit``. Side by side in the same run: bare ``python -c pass`` (the interpreter's
own share), ``import lsprotocol.types`` (the protocol types pygls is built on: about a thousand
attrs classes made at import), and a bare pygls server that answers ``initialize`` and nothing
else (the floor of any pygls server, measured the same way), plus the server's CPU time at the
answer (``/proc``: what the start-up costs, whatever the load). Bytecode is compiled
beforehand, as an installed package has it.

    python benchmarks/startup.py [--runs 15] [--json]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lsp_client import SERVER, Client, cpu_seconds
from _report import spread

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 400.0
#: The floor: a pygls server with no features, started and initialised the same way.
BARE_PYGLS = [sys.executable, "-c", "from pygls.lsp.server import LanguageServer; "
              "LanguageServer('bare', '0').start_io()"]


def one(root: Path, command: list[str] = SERVER) -> tuple[float, float | None]:
    t0 = time.perf_counter()
    client = Client(root, command)
    client.initialize(root)
    wall = (time.perf_counter() - t0) * 1000
    cpu = cpu_seconds(client.proc.pid)
    client.close()
    return wall, None if cpu is None else cpu * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    compileall.compile_dir(str(ROOT / "server" / "tracemark"), quiet=1)
    load = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="tracemark-bench-startup-") as tmp:
        root = Path(tmp)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        one(root)  # warm the page cache
        walls, cpus, bare, types, floor, floor_cpu = [], [], [], [], [], []
        for _ in range(args.runs):  # interleaved, so that load changes hit all alike
            w, c = one(root)
            walls.append(w)
            if c is not None:
                cpus.append(c)
            w, c = one(root, BARE_PYGLS)
            floor.append(w)
            if c is not None:
                floor_cpu.append(c)
            for cmd, out in (("pass", bare), ("import lsprotocol.types", types)):
                t0 = time.perf_counter()
                subprocess.run([sys.executable, "-c", cmd], check=True)
                out.append((time.perf_counter() - t0) * 1000)
    r = {
        "schema": "tracemark/bench-startup/v1", "runs": args.runs, "load_average_start": load,
        "initialize_answered_ms": spread(walls), "server_cpu_at_answer_ms": spread(cpus) if cpus
        else None, "python_pass_ms": spread(bare), "import_lsprotocol_types_ms": spread(types),
        "bare_pygls_initialize_ms": spread(floor),
        "bare_pygls_cpu_at_answer_ms": spread(floor_cpu) if floor_cpu else None,
        "target_ms": TARGET_MS,
    }
    med = r["initialize_answered_ms"]["median"]
    r["met"] = med < TARGET_MS
    cmd = "python benchmarks/startup.py"
    r["figures"] = [{"name": "start-up: launch → `initialize` answered", "median": med,
                     "spread": f"p10–p90 {r['initialize_answered_ms']['p10']}–"
                               f"{r['initialize_answered_ms']['p90']}",
                     "unit": "ms", "target": f"< {TARGET_MS:.0f} ms", "met": r["met"],
                     "command": cmd}]
    rows = [["`tracemark serve`: launch → `initialize` answered (wall)",
             *_cells(r["initialize_answered_ms"])]]
    if cpus:
        rows.append(["the server's CPU time at that moment", *_cells(r["server_cpu_at_answer_ms"])])
    rows.append(["a bare pygls server (no features): launch → `initialize` answered (wall)",
                 *_cells(r["bare_pygls_initialize_ms"])])
    if floor_cpu:
        rows.append(["its CPU time at that moment", *_cells(r["bare_pygls_cpu_at_answer_ms"])])
    rows.append(["`python -c 'import lsprotocol.types'` (wall)",
                 *_cells(r["import_lsprotocol_types_ms"])])
    rows.append(["`python -c pass` (the interpreter alone, wall)", *_cells(r["python_pass_ms"])])
    r["tables"] = [{"title": f"{args.runs} starts, each a fresh process",
                    "columns": ["measure (ms)", "median", "p10", "p90", "min"], "rows": rows}]
    if args.json:
        print(json.dumps(r, indent=2))
        return 0
    for row in rows:
        print(f"{row[0]:<62} median {row[1]:>7}  p10 {row[2]:>7}  p90 {row[3]:>7}  min {row[4]}")
    print(f"target < {TARGET_MS:.0f} ms: {'met' if r['met'] else 'MISSED'} "
          f"(load average {load[0]})")
    return 0


def _cells(st: dict[str, float]) -> list[str]:
    return [f"{st['median']:.0f}", f"{st['p10']:.0f}", f"{st['p90']:.0f}", f"{st['min']:.0f}"]


if __name__ == "__main__":
    raise SystemExit(main())
