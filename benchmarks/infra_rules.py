"""The infrastructure and dependency rules: editor latency, whole-document rules, name lookups,
and what the typosquat regexes cost the semgrep tier.

Printed (median and p95 over the rounds, side by side):

* re-checking one AI line after a keystroke in a 200-instruction Dockerfile, a 60-job workflow,
  a 100-object Kubernetes file and a 100-resource Terraform file (the editor's hot path);
  the Dockerfile and workflow include whole-document rules, rerun after every edit;
* one typosquat lookup (``typosquat_target``) against the bundled lists;
* semgrep on a 200-line requirements file and a 200-line Python file with the whole pack,
  and with the pack minus the dependency rules (their regexes spell out the neighbours of the
  top 100 names).

    python benchmarks/infra_rules.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROUNDS = 200


def _point(src: bytes, byte: int) -> tuple[int, int]:
    row = src.count(b"\n", 0, byte)
    return row, byte - (src.rfind(b"\n", 0, byte) + 1)


def _docs() -> dict[str, tuple[str, str, bytes, bytes]]:
    """name → (language, path, source, the AI line to edit)."""
    docker = ["FROM python:3.12-slim AS build"]
    docker += [f"RUN echo step {i} && pip install --no-cache-dir pkg{i}==1.0" for i in range(200)]
    docker += ["FROM python:3.12-slim", "RUN curl -fsSL https://x.example/i.sh | sh",
               'CMD ["python", "app.py"]']
    wf = ["on: push", "jobs:"]
    for i in range(60):
        wf += [f"  job{i}:", "    runs-on: ubuntu-latest", "    steps:",
               "      - uses: actions/checkout@v4",
               f'      - run: echo "${{{{ github.event.issue.title }}}} {i}"']
    k8s = []
    for i in range(100):
        k8s += ["---", "apiVersion: v1", "kind: Pod", "metadata:", f"  name: p{i}", "spec:",
                "  containers:", f"    - name: c{i}", f"      image: ghcr.io/acme/c:{i}.0",
                "      securityContext:", "        privileged: true"]
    tf = []
    for i in range(100):
        tf += [f'resource "aws_security_group" "g{i}" {{', "  ingress {",
               "    from_port   = 22", "    to_port     = 22", '    protocol    = "tcp"',
               '    cidr_blocks = ["0.0.0.0/0"]', "  }", "}"]
    return {
        "Dockerfile (203 instructions)": ("dockerfile", "Dockerfile", "\n".join(docker).encode(),
                                          b"RUN curl -fsSL"),
        "workflow (60 jobs)": ("yaml", ".github/workflows/ci.yml", "\n".join(wf).encode(),
                               b'run: echo "${{ github.event.issue.title }} 59"'),
        "Kubernetes (100 pods)": ("yaml", "deploy/pods.yaml", "\n".join(k8s).encode(),
                                  b"privileged: true\n---\napiVersion: v1\nkind: Pod\n"
                                  b"metadata:\n  name: p99"),
        "Terraform (100 groups)": ("hcl", "main.tf", "\n".join(tf).encode(),
                                   b'resource "aws_security_group" "g99"'),
    }


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def editor_latency() -> list[tuple[str, float, float, int]]:
    from tracemark.rules.engine import DocumentChecker
    from tracemark.rules.project import engine_for_project

    engine = engine_for_project(Path.cwd())
    out = []
    for name, (lang, path, src, needle) in _docs().items():
        engine.pack(lang)
        chk = DocumentChecker(lang, src, engine=engine, path=path)
        at = src.rindex(needle)
        line_end = src.index(b"\n", at) if b"\n" in src[at:] else len(src)
        span = (at, line_end)
        found = chk.check([span])
        times = []
        for i in range(ROUNDS):
            old = chk.source
            pos = span[0] + 3
            if i % 2 == 0:
                new = old[:pos] + b" " + old[pos:]
                chk.edit(pos, pos, pos + 1, _point(old, pos), _point(old, pos),
                         _point(new, pos + 1), new)
                span = (span[0], span[1] + 1)
            else:
                new = old[:pos] + old[pos + 1:]
                chk.edit(pos, pos + 1, pos, _point(old, pos), _point(old, pos + 1),
                         _point(new, pos), new)
                span = (span[0], span[1] - 1)
            t = time.perf_counter()
            chk.check([span])
            times.append((time.perf_counter() - t) * 1000)
        out.append((name, statistics.median(times), _pct(times, 0.95), len(found)))
    return out


def lookup_latency() -> tuple[float, float]:
    from tracemark.rules.deps.names import index, typosquat_target

    index("pypi"), index("npm")
    names = ["reqeusts", "flask", "python-dateutils", "colourama", "numpy",
             "made-up-package-name"] * 50
    times = []
    for n in names:
        t = time.perf_counter()
        typosquat_target(n, "pypi")
        times.append((time.perf_counter() - t) * 1e6)
    return statistics.median(times), _pct(times, 0.95)


def semgrep_cost() -> list[tuple[str, float, int]]:
    from tracemark.rules.loader import RuleSet, default_rules
    from tracemark.rules.semgrep import dump_config, semgrep_binary

    binary = semgrep_binary()
    if binary is None:
        return []
    all_rules = default_rules()
    without = RuleSet([r for r in all_rules if not r.id.startswith("deps-")])
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        req = Path(tmp) / "requirements.txt"
        req.write_text("".join(f"package-{i}=={i}.0\n" for i in range(197))
                       + "reqeusts==2.0\ncolourama\nflask>=2\n")
        app = Path(tmp) / "app.py"
        app.write_text("import os\n\ndef run(cmd):\n    os.system(cmd)\n" * 50)
        for target in (req, app):
            for label, rules in (("whole pack", all_rules), ("pack without deps-*", without)):
                cfg = Path(tmp) / "pack.yaml"
                cfg.write_text(dump_config(rules))
                runs = []
                for _ in range(3):
                    t = time.perf_counter()
                    subprocess.run([binary, "scan", "--json", "--metrics=off",
                                    "--disable-version-check", "--quiet", "--experimental",
                                    "--config", str(cfg), str(target)], capture_output=True,
                                   check=False, env={"SEMGREP_ENABLE_VERSION_CHECK": "0",
                                                     "PATH": "/usr/bin:/bin"})
                    runs.append(time.perf_counter() - t)
                out.append((f"{target.name}: {label}", statistics.median(runs),
                            cfg.stat().st_size))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    editor, (med, p95), rows = editor_latency(), lookup_latency(), semgrep_cost()
    if args.json:
        tables = [
            {"title": f"Editor re-check of one AI line after a keystroke ({ROUNDS} rounds)",
             "columns": ["document", "median (ms)", "p95 (ms)", "findings"],
             "rows": [[name, f"{m:.2f}", f"{p:.2f}", str(n)] for name, m, p, n in editor]
             + [["one typosquat lookup against the bundled lists", f"{med / 1000:.3f}",
                 f"{p95 / 1000:.3f}", ""]]},
            {"title": "semgrep on a 200-line requirements.txt and a 200-line app.py (median "
                      "of 3)", "columns": ["run", "seconds", "config size (KiB)"],
             "rows": [[label, f"{secs:.2f}", f"{size / 1024:.0f}"]
                      for label, secs, size in rows] or [["semgrep not installed", "", ""]]},
        ]
        print(json.dumps({"schema": "tracemark/bench-infra/v1", "figures": [],
                          "tables": tables}, indent=2))
        return 0
    print(f"Editor re-check of one AI line after a keystroke ({ROUNDS} rounds):")
    print(f"  {'document':32} {'median ms':>10} {'p95 ms':>8} {'findings':>9}")
    for name, m, p, n in editor:
        print(f"  {name:32} {m:10.3f} {p:8.3f} {n:9}")
    print(f"\nTyposquat lookup: median {med:.1f} µs, p95 {p95:.1f} µs")
    if rows:
        print("\nsemgrep on a 200-line requirements.txt and a 200-line app.py (median of 3):")
        for label, secs, size in rows:
            print(f"  {label:40} {secs:6.2f} s   config {size / 1024:.0f} KiB")
    else:
        print("\nsemgrep is not installed: its figures are skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
