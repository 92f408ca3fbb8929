"""Helpers for tests/report/: a real repository with a known history, for ``tracemark report``
and ``guidance`` (issue 12).

Commits are made with ``git commit`` through tracemark's installed hooks (real SSH-signed
trailers, real ledger marks), with author dates on three days, so every figure of the report
can be worked out by hand:

| day | commit | file (lines) | who wrote which lines; findings |
|---|---|---|---|
| 03-03 | c1 ai shell | app.py (5) | 4-5 copilot:gpt-4.1, 1-3 human; py-subprocess-shell on 5 |
| 03-03 | c2 claude random | rnd.py (5) | 1-5 claude-code:claude-sonnet-4; py-insecure-random |
| 03-04 | c3 human | clean.py (6) | human |
| 03-04 | c4 reviewed | util.py (4) | 1-4 copilot:gpt-4.1, then marked reviewed |
| 03-06 | c5 unattested | plain.py (3) | committed with --no-verify |
| 03-06 | c6 claude shell | tools/run.py (5) | 1-5 claude-code; py-subprocess-shell on 5 |

(days of March 2025, UTC)

Totals: 28 lines added; AI 16 (12 unreviewed + 4 reviewed), human 9, unattested 3.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from gate_support import CLEAN, RANDOM, SHELL, GateRepo, cli, make_gate_repo
from support import git

UTIL = """\
def clamp(x, lo, hi):
    return max(lo, min(x, hi))


"""
PLAIN = "A = 1\nB = 2\nC = 3\n"


@dataclass
class History:
    repo: GateRepo
    shas: list[str]

    @property
    def root(self) -> Path:
        return self.repo.root


def commit_on(r: GateRepo, message: str, day: str, *args: str) -> str:
    """``git commit`` through the hooks, authored (and committed) on ``day`` at noon UTC."""
    git(r.root, "add", "-A")
    when = f"{day}T12:00:00+00:00"
    proc = subprocess.run(["git", "commit", "-q", "-m", message, *args], cwd=r.root, text=True,
                          capture_output=True,
                          env={**os.environ, "GIT_EDITOR": "true", "GIT_AUTHOR_DATE": when,
                               "GIT_COMMITTER_DATE": when})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return r.head()


def make_history(tmp: Path) -> History:
    r = make_gate_repo(tmp)
    shas = []
    r.write("app.py", SHELL)
    r.mark("app.py", "4-5")
    r.mark("app.py", "1-3", None, None, "--human")
    shas.append(commit_on(r, "ai shell", "2025-03-03"))
    r.write("rnd.py", RANDOM)
    r.mark("rnd.py", "1-5", "claude-code", "claude-sonnet-4")
    shas.append(commit_on(r, "claude random", "2025-03-03"))
    r.write("clean.py", CLEAN)
    r.mark("clean.py", "1-6", None, None, "--human")
    shas.append(commit_on(r, "human clean", "2025-03-04"))
    r.write("util.py", UTIL)
    r.mark("util.py", "1-4")
    r.mark("util.py", "1-4", None, None, "--reviewed")
    shas.append(commit_on(r, "reviewed ai", "2025-03-04"))
    r.write("plain.py", PLAIN)
    shas.append(commit_on(r, "unattested", "2025-03-06", "--no-verify"))
    r.write("tools/run.py", SHELL)
    r.mark("tools/run.py", "1-5", "claude-code", "claude-sonnet-4")
    shas.append(commit_on(r, "claude shell", "2025-03-06"))
    return History(r, shas)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The tracemark command line's ``main``, in-process (see ``gate_support.cli``)."""
    return cli(*args, cwd=cwd)
