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


def run(deep: bool = False) -> dict:
    ev = eval_dir()
    if ev is None:
        raise SystemExit("detection data not found (set TRACEMARK_EVAL_DIR to shared/eval)")
    score = _scorer(ev)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="tracemark-detection-") as tmp:
        base = Path(tmp)
        for ds in ("owasp", "cyberseceval"):
            folder = base / ds
            with contextlib.redirect_stdout(io.StringIO()):
                score.materialize(ds, folder)
            if ds == "owasp":
                sarif = base / "owasp.sarif"
                _scan(folder, sarif, deep)
                results["owasp"] = _score(score, ds, folder, sarif)
                continue
            for lang, suffix in (("python", ".py"), ("javascript", ".js")):
                sub = _subset(folder, f"cse-{lang}", suffix)
                sarif = base / f"cse-{lang}.sarif"
                _scan(sub, sarif, deep)
                results[f"cyberseceval-{lang}"] = _score(score, ds, sub, sarif)
            sarif = base / "cse-all.sarif"
            _scan(folder, sarif, deep)
            results["cyberseceval"] = _score(score, ds, folder, sarif)
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deep", action="store_true", help="scan with --deep (semgrep too)")
    args = ap.parse_args()
    results = run(deep=args.deep)
    print(table(results, args.deep))


if __name__ == "__main__":
    main()
