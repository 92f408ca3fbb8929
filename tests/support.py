"""Helpers shared by the tests: real git and the real tracemark CLI, as subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def git(repo: Path, *args: str, input: str | None = None, check: bool = True) -> str:
    """Run git in ``repo`` and return its stdout."""
    proc = subprocess.run(["git", *args], cwd=repo, input=input, text=True, capture_output=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout


def tracemark(*args: str, cwd: Path, input: str | None = None,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real ``tracemark`` command line, as a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "tracemark", *args],
        cwd=cwd, input=input, text=True, capture_output=True,
        env={**os.environ, **(env or {})}, timeout=300,
    )
