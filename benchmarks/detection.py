"""Detection on labelled data: OWASP Benchmark for Python and CyberSecEval (Python, JavaScript).

The samples are materialised into a temporary folder by the shared scorer (never copied into
the project), scanned with ``tracemark scan --format sarif`` like any user would, and scored
with ``../shared/eval/score.py``. Printed beside the reference figures of bandit and semgrep's
community rules from ``../shared/eval/README.md``.

    python benchmarks/detection.py            # fast tier (the default scan)
    python benchmarks/detection.py --deep     # both tiers (semgrep too)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"owasp": (0.45, 0.15), "cyberseceval-python": (0.60, None),
           "cyberseceval-javascript": (0.60, None)}
REFERENCE = {  # ../shared/eval/README.md (bandit 1.9.4; semgrep 1.185 community rules)
    "owasp": ("0.223 / 0.055", "0.287 / 0.176"),
    "cyberseceval": ("(Python only)", "0.430 / —"),
}


def eval_dir() -> Path | None:
    candidates = [os.environ.get("TRACEMARK_EVAL_DIR"), ROOT.parent / "shared" / "eval",
                  ROOT.parent.parent / "shared" / "eval", Path("/work/shared/eval")]
    for c in candidates:
        if c and (Path(c) / "score.py").is_file():
            return Path(c)
    return None


def _scorer(ev: Path):
    sys.path.insert(0, str(ev))
    try:
        import score  # the shared scorer
    finally:
        sys.path.pop(0)
    return score


def _scan(folder: Path, out: Path, deep: bool) -> None:
    cmd = [sys.executable, "-m", "tracemark", "scan", "--format", "sarif", "-o", str(out)]
    if deep:
        cmd.append("--deep")
    proc = subprocess.run([*cmd, folder.name], cwd=folder.parent, capture_output=True,
                          text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"tracemark scan failed: {proc.stderr.strip()}")


def _score(score, ds: str, folder: Path, sarif: Path) -> dict:
    with contextlib.redirect_stdout(io.StringIO()):
        return score.score(ds, folder, sarif)


def _subset(folder: Path, name: str, suffix: str) -> Path:
    """A view of a materialised data set holding only the files of one language."""
    sub = folder.parent / name
    sub.mkdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    keep = [m for m in manifest if m["file"].endswith(suffix)]
    for m in keep:
        (sub / m["file"]).symlink_to(folder / m["file"])
    (sub / "manifest.json").write_text(json.dumps(keep))
    return sub


TOOLS = {"fast": "tracemark, fast tier", "deep": "tracemark, fast tier + semgrep",
         "bandit": "bandit (run here, its own rules)"}


def _bandit(folder: Path, out: Path) -> bool:
    """Scan with bandit (JSON report); ``False`` when bandit is not installed."""
    exe = Path(sys.executable).with_name("bandit")
    if not exe.exists():
        return False
    subprocess.run([str(exe), "-q", "-r", "-f", "json", "-o", str(out), folder.name],
                   cwd=folder.parent, capture_output=True)
    return out.is_file()


def run(tools: tuple[str, ...]) -> dict:
    """Scores per tool, then per data set (``owasp``, ``cyberseceval-python``,
    ``-javascript`` and both); the data is materialised once and every tool scans the same
    files."""
    ev = eval_dir()
    if ev is None:
        raise SystemExit("detection data not found (set TRACEMARK_EVAL_DIR to shared/eval)")
    score = _scorer(ev)
    results: dict[str, dict] = {t: {} for t in tools}
    with tempfile.TemporaryDirectory(prefix="tracemark-detection-") as tmp:
        base = Path(tmp)
        sets: list[tuple[str, str, Path]] = []
        for ds in ("owasp", "cyberseceval"):
            folder = base / ds
            with contextlib.redirect_stdout(io.StringIO()):
                score.materialize(ds, folder)
            if ds == "owasp":
                sets.append(("owasp", ds, folder))
                continue
            for lang, suffix in (("python", ".py"), ("javascript", ".js")):
                sets.append((f"cyberseceval-{lang}", ds, _subset(folder, f"cse-{lang}", suffix)))
            sets.append(("cyberseceval", ds, folder))
        for tool in tools:
            for key, ds, folder in sets:
                report = base / f"{tool}-{key}.json"
                if tool == "bandit":
                    if key in ("cyberseceval-javascript", "cyberseceval"):
                        continue  # bandit reads Python only
                    if not _bandit(folder, report):
                        break
                else:
                    _scan(folder, report, tool == "deep")
                results[tool][key] = _score(score, ds, folder, report)
    return results


def table(results: dict, deep: bool) -> str:
    tier = "fast + semgrep" if deep else "fast tier"
    lines = [f"| data set | tracemark ({tier}) recall / FPR | target | bandit recall / FPR | "
             "semgrep community recall / FPR |", "|---|---|---|---|---|"]
    for key in ("owasp", "cyberseceval-python", "cyberseceval-javascript", "cyberseceval"):
        r = results[key]
        fpr = f"{r['fpr']:.3f}" if r["negatives"] else "—"
        rec_t, fpr_t = TARGETS.get(key, (None, None))
        target = "" if rec_t is None else f"recall ≥ {rec_t:.2f}" + (
            f" at FPR ≤ {fpr_t:.2f}" if fpr_t is not None else "")
        ref = REFERENCE.get(key, ("", ""))
        lines.append(f"| {key} | {r['recall']:.3f} / {fpr} ({r['tp']}/{r['positives']} found"
                     + (f", {r['fp']}/{r['negatives']} false" if r["negatives"] else "")
                     + f") | {target} | {ref[0]} | {ref[1]} |")
    return "\n".join(lines)


def _cell(r: dict | None) -> str:
    if r is None:
        return "—"
    text = f"{r['recall']:.3f}"
    if r["negatives"]:
        text += f" / {r['fpr']:.3f}"
    return text + f" ({r['tp']}/{r['positives']}" + (
        f", {r['fp']}/{r['negatives']} false)" if r["negatives"] else ")")


def report(results: dict) -> dict:
    """Figures and tables for docs/benchmarks.md (``run_all.py``): every tool on the same
    files, plus the community-rule reference figures of ``../shared/eval/README.md``."""
    cmd = "python benchmarks/detection.py --all"
    figures = []
    for key, (rec_t, fpr_t) in TARGETS.items():
        r = results["fast"][key]
        met = r["recall"] >= rec_t and (fpr_t is None or r["fpr"] <= fpr_t)
        figures.append({"name": f"detection: {key} recall" + (" / FPR" if fpr_t else "")
                        + " (fast tier)", "median": round(r["recall"], 3), "unit": "",
                        "spread": (f"FPR {r['fpr']:.3f}; " if fpr_t else "")
                        + f"{r['tp']}/{r['positives']} found (deterministic)",
                        "target": f"recall ≥ {rec_t:.2f}" + (f" at FPR ≤ {fpr_t:.2f}"
                                                           if fpr_t else ""),
                        "met": met, "command": cmd})
    columns = ["data set", *(TOOLS[t] for t in results), "semgrep community rules (reference)"]
    rows = []
    for key in ("owasp", "cyberseceval-python", "cyberseceval-javascript", "cyberseceval"):
        ref = REFERENCE.get(key, ("", ""))[1]
        rows.append([key, *(_cell(results[t].get(key)) for t in results), ref or "—"])
    return {"figures": figures, "tables": [table_of(
        "Recall / false-positive rate (found/vulnerable, false/safe), same files, same scorer",
        columns, rows)]}


def table_of(title: str, columns: list[str], rows: list[list[str]]) -> dict:
    return {"title": title, "columns": columns, "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deep", action="store_true", help="scan with --deep (semgrep too)")
    ap.add_argument("--all", action="store_true",
                    help="fast tier, both tiers and bandit on the same files, side by side")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON (implies "
                    "--all)")
    args = ap.parse_args()
    if args.json or args.all:
        results = run(tools=tuple(TOOLS))
        out = {"schema": "tracemark/bench-detection/v1", "results": results, **report(results)}
        if args.json:
            print(json.dumps(out, indent=2))
            return
        t = out["tables"][0]
        print("| " + " | ".join(t["columns"]) + " |")
        for row in t["rows"]:
            print("| " + " | ".join(row) + " |")
        return
    tier = "deep" if args.deep else "fast"
    print(table(run((tier,))[tier], args.deep))


if __name__ == "__main__":
    main()
