"""``tracemark verify`` on 1,000 SSH-signed commits (issue 8 target: under 10 s, fast tier).

The repository is built once (each commit adds a small Python module whose AI lines are
recorded in the ledger, attested and signed by tracemark's own commit-msg code with a real
``ssh-keygen`` key, exactly what the hook writes). Then, side by side in one run:

- ``gate``: :func:`tracemark.gate.evaluate.verify_range` (batched git: one rev-list, one
  ``cat-file --batch``, one ``diff-tree --stdin``, blobs in one more batch; signature checks
  on a thread pool), including the re-scan of every commit's added lines;
- ``gate, 1 thread``: the same with ``jobs=1``;
- ``gate, --no-signatures``: binding, re-scan and policy only (what the signatures cost);
- ``per-commit``: ``verify_commit`` called for each commit (four git processes per commit),
  without any re-scan: the baseline the gate's batching replaces.

Run: python benchmarks/verify.py [--commits 1000] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import figure, spread, table

TARGET_S = 10.0

MODULE = '''\
"""Module {i}."""


def f{i}(x):
    total = x * {i}
    return total + 1
'''


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def build(root: Path, commits: int) -> None:
    """``commits`` attested, SSH-signed commits, made with tracemark's own hook code."""
    from tracemark.attest.hook import attest_message
    from tracemark.cli import main as cli
    from tracemark.gitutil import find_repo

    keys = root.parent / "keys"
    keys.mkdir(exist_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f",
                    str(keys / "dev")], check=True)
    pub = (keys / "dev.pub").read_text().split()
    (keys / "allowed_signers").write_text(f"bench@example.com {pub[0]} {pub[1]}\n")
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    for k, v in (("user.name", "Bench"), ("user.email", "bench@example.com"),
                 ("commit.gpgsign", "false"), ("gpg.format", "ssh"),
                 ("user.signingkey", str(keys / "dev")),
                 ("gpg.ssh.allowedSignersFile", str(keys / "allowed_signers"))):
        _git(root, "config", k, v)
    (root / "README.md").write_text("bench\n")
    _git(root, "add", "README.md")
    _git(root, "commit", "-q", "-m", "base")
    _git(root, "tag", "base")
    repo = find_repo(root)
    msg = root.parent / "msg.txt"
    cwd = os.getcwd()
    os.chdir(root)
    try:
        t0 = time.perf_counter()
        for i in range(commits):
            rel = f"pkg/m{i // 100:02d}/mod{i:04d}.py"
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(MODULE.format(i=i))
            with contextlib.redirect_stdout(io.StringIO()):
                cli(["mark", rel, "--lines", "4-6", "--tool", "copilot", "--model",
                     "gpt-4.1"])
            _git(root, "add", rel)
            msg.write_text(f"add module {i}\n")
            attest_message(msg, amend=False, repo=repo)
            _git(root, "commit", "-q", "--no-verify", "-F", str(msg))
            if (i + 1) % 100 == 0:
                print(f"  built {i + 1}/{commits} commits ({time.perf_counter() - t0:.0f} s)",
                      file=sys.stderr)
    finally:
        os.chdir(cwd)


def _ssh_keygen_ms(root: Path, runs: int = 30) -> float:
    """The cost of one signature check: what a signed record costs at least."""
    from tracemark.attest.config import SSH_NAMESPACE, load_config
    from tracemark.attest.signers.ssh import armor
    from tracemark.attest.trailers import decode_record, parse_message

    config = load_config(root)
    raw = subprocess.run(["git", "log", "-1", "--format=%B"], cwd=root, capture_output=True,
                         text=True, check=True).stdout
    rt = parse_message(raw).records[0]
    payload = decode_record(rt.record.value)
    sig = root.parent / "bench.sig"
    sig.write_text(armor(rt.signature.value.split(None, 2)[2]))
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(["ssh-keygen", "-Y", "verify", "-f", str(config.allowed_signers), "-I",
                        "bench@example.com", "-n", SSH_NAMESPACE, "-s", str(sig)],
                       input=payload, capture_output=True, check=True)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


@contextlib.contextmanager
def attested_repo(commits: int, keep: Path | None, name: str) -> Iterator[Path]:
    """The repository of :func:`build`: in ``keep`` (built there once, then reused), else in a
    temporary folder removed afterwards."""
    tmp = None
    if keep is not None:
        base = keep.resolve()
        base.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix=f"tracemark-bench-{name}-")
        base = Path(tmp)
    root = base / "repo"
    try:
        if not root.exists():
            print(f"building {commits} attested commits in {root} ...", file=sys.stderr)
            build(root, commits)
        yield root
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _stats(times: list[float]) -> str:
    med = statistics.median(times)
    spread = f"{min(times):.2f}-{max(times):.2f}"
    sd = statistics.stdev(times) if len(times) > 1 else 0.0
    return f"median {med:6.2f} s  (min-max {spread} s, stdev {sd:.2f}, n={len(times)})"


def _report(r: dict, args: argparse.Namespace) -> dict:
    """Figures and tables for docs/benchmarks.md (``run_all.py``)."""
    n, gate = r["commits"], spread(r["seconds"]["gate"], 2)
    scaled = gate["median"] * 1000 / max(n, 1)
    cmd = "python benchmarks/verify.py" + ("" if n == 1000 else f" --commits {n}")
    name = f"`tracemark verify`, {n:,} SSH-signed commits, fast tier"
    figures = [figure(name, gate["median"], "s",
                      spread=f"{gate['min']:g}–{gate['max']:g} s over {gate['n']} runs"
                      + ("" if n == 1000 else f"; {scaled:.1f} s per 1,000"),
                      target=f"< {TARGET_S * n / 1000:g} s" + ("" if n == 1000 else
                                                              " (scaled from 10 s per 1,000)"),
                      met=scaled < TARGET_S, command=cmd)]
    rows = []
    for variant, times in r["seconds"].items():
        st = spread(times, 2)
        rows.append([variant, f"{st['median']:.2f}", f"{st['min']:.2f}–{st['max']:.2f}",
                     f"{st['median'] / max(n, 1) * 1000:.1f}", str(st["n"])])
    rows.append(["one `ssh-keygen -Y verify` process (the floor per signed record)",
                 f"{r['ssh_keygen_verify_ms'] / 1000:.3f}", "", "", ""])
    return {"figures": figures, "tables": [table(
        f"{n:,} commits ({r['statuses']}), {r['cpus']} cores",
        ["variant", "median (s)", "min–max (s)", "ms per commit", "runs"], rows)]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commits", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="build (or reuse) the repository here")
    ap.add_argument("--no-baseline", action="store_true", help="skip the per-commit baseline")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if args.json:  # progress (and anything the hook code prints) goes to stderr
        stdout = sys.stdout
        with contextlib.redirect_stdout(sys.stderr):
            result = measure(args)
        print(json.dumps(result, indent=2), file=stdout)
        return 0
    result = measure(args)
    print(f"\ntracemark verify, {result['commits']} SSH-signed commits ({result['statuses']}), "
          f"fast tier, {os.cpu_count()} cores")
    for name, times in result["seconds"].items():
        per = statistics.median(times) / max(result["commits"], 1) * 1000
        print(f"  {name:<26} {_stats(times)}  {per:5.1f} ms/commit")
    floor, n = result["ssh_keygen_verify_ms"], result["commits"]
    print(f"  one `ssh-keygen -Y verify` process: median {floor:.1f} ms (the floor per "
          f"signed record: {floor * n / 1000 / (os.cpu_count() or 1):.1f} s for {n} on "
          f"{os.cpu_count()} cores)")
    print(f"  load average during the run: {result['load_average_end']}")
    med = statistics.median(result["seconds"]["gate"])
    verdict = "meets" if med < TARGET_S else "misses"
    print(f"target: under {TARGET_S:.0f} s for 1,000 commits: {verdict} ({med:.2f} s for {n})")
    return 0


def measure(args: argparse.Namespace) -> dict:
    """Build (or reuse) the repository and time each variant ``--repeat`` times."""
    from tracemark.attest.config import load_config
    from tracemark.attest.verify import verify_commit
    from tracemark.gate.evaluate import Options, verify_range
    from tracemark.gate.trust import load_trust

    with attested_repo(args.commits, args.keep, "verify") as root:
        spec = "base..HEAD"
        config = load_config(root)
        trust = load_trust(root, config)
        variants = {"gate": Options(), "gate, 1 thread": Options(jobs=1),
                    "gate, --no-signatures": Options(check_signatures=False)}
        results: dict[str, list[float]] = {name: [] for name in variants}
        report = None
        for _ in range(args.repeat):
            for name, options in variants.items():
                t0 = time.perf_counter()
                result = verify_range(root, spec, trust, options=options)
                results[name].append(time.perf_counter() - t0)
                if options.check_signatures:
                    report = result
        assert report is not None
        statuses = report.by_status()
        if not args.no_baseline:
            from tracemark.gate.history import rev_list

            shas = rev_list(root, spec)
            t0 = time.perf_counter()
            for sha in shas:
                verify_commit(root, sha)
            results["per-commit verify_commit"] = [time.perf_counter() - t0]
        floor = _ssh_keygen_ms(root)
        result = {"schema": "tracemark/bench-verify/v1", "commits": len(report.commits),
                  "statuses": ", ".join(f"{n:,} {k}" for k, n in dict(statuses).items()),
                  "seconds": results, "ssh_keygen_verify_ms": floor,
                  "cpus": os.cpu_count(), "load_average_end": round(os.getloadavg()[0], 2)}
        result.update(_report(result, args))
        return result


if __name__ == "__main__":
    raise SystemExit(main())
