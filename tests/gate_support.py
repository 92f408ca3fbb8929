"""Helpers for the gate's tests (tests/gate/): real repositories, real ``ssh-keygen`` keys,
real git hooks (``tracemark hooks install``) writing real trailers, the real ``verify`` CLI."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from support import git, tracemark


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The tracemark command line's ``main`` run in this process, in ``cwd``, its output
    captured: what ``python -m tracemark ARGS`` does, without starting a Python each time."""
    from tracemark.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exit_:  # argparse's usage errors
                code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(["tracemark", *args], code, out.getvalue(),
                                       err.getvalue())


def keygen(path: Path, comment: str) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f",
                    str(path)], check=True)
    return path


@dataclass
class GateRepo:
    """A repository with tracemark's hooks installed and SSH signing set up.

    ``dev`` is in the allowed signers; ``stranger`` is a real key that is not.
    """

    root: Path
    keys: Path
    dev: Path
    stranger: Path
    allowed: Path

    def write(self, path: str, text: str) -> Path:
        p = self.root / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        return p

    def mark(self, path: str, lines: str, tool: str | None = "copilot",
             model: str | None = "gpt-4.1", *extra: str) -> None:
        args = ["mark", path, "--lines", lines, *extra]
        if tool and "--human" not in extra:
            args += ["--tool", tool]
        if model and "--human" not in extra:
            args += ["--model", model]
        out = cli(*args, cwd=self.root)
        assert out.returncode == 0, out.stderr

    def commit(self, message: str, *args: str, add: bool = True) -> str:
        """``git commit`` as a person runs it (the hooks attest); returns the new id."""
        if add:
            git(self.root, "add", "-A")
        proc = subprocess.run(["git", "commit", "-q", "-m", message, *args], cwd=self.root,
                              text=True, capture_output=True,
                              env={**os.environ, "GIT_EDITOR": "true"})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return self.head()

    def head(self, rev: str = "HEAD") -> str:
        return git(self.root, "rev-parse", rev).strip()

    def message(self, rev: str = "HEAD") -> str:
        return git(self.root, "cat-file", "commit", rev).split("\n\n", 1)[1]

    def policy(self, text: str, name: str = "policy.yaml") -> Path:
        """A policy file outside the repository (its lines do not count as changes)."""
        p = self.keys.parent / name
        p.write_text(text)
        return p

    def verify(self, *args: str, env: dict[str, str] | None = None
               ) -> subprocess.CompletedProcess[str]:
        """``tracemark verify``: in this process (the same ``main`` the command runs; it
        saves a Python start per call), or as a subprocess when ``env`` changes."""
        if env is not None:
            return tracemark("verify", "--no-progress", *args, cwd=self.root, env=env)
        return cli("verify", "--no-progress", *args, cwd=self.root)

    def verify_json(self, *args: str, code: int | None = None) -> dict:
        out = self.verify(*args, "--format", "json")
        if code is not None:
            assert out.returncode == code, out.stdout + out.stderr
        assert out.returncode in (0, 1), out.stderr
        return json.loads(out.stdout)


def make_gate_repo(tmp_path: Path) -> GateRepo:
    keys = tmp_path / "keys"
    keys.mkdir()
    dev = keygen(keys / "dev", "dev@example.com")
    stranger = keygen(keys / "stranger", "mallory@example.com")
    allowed = keys / "allowed_signers"
    pub = (keys / "dev.pub").read_text().split()
    allowed.write_text(f"dev@example.com {pub[0]} {pub[1]}\n")
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "config", "user.name", "Test Author")
    git(root, "config", "user.email", "author@example.com")
    git(root, "config", "gpg.format", "ssh")
    git(root, "config", "user.signingkey", str(dev))
    git(root, "config", "gpg.ssh.allowedSignersFile", str(allowed))
    (root / "README.md").write_text("# test\n")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "initial")
    out = tracemark("hooks", "install", cwd=root)
    assert out.returncode == 0, out.stderr
    git(root, "checkout", "-q", "-b", "feature")
    return GateRepo(root, keys, dev, stranger, allowed)

#: An AI-written function with an error finding (py-subprocess-shell, CWE-78) on line 5.
SHELL = """\
import subprocess


def run(cmd):
    return subprocess.run(cmd, shell=True)
"""

#: Clean code: no finding.
CLEAN = """\
def add(a, b):
    return a + b


def mul(a, b):
    return a * b
"""

#: A warning-severity finding (py-insecure-random) on line 5.
RANDOM = """\
import random


def token():
    return random.randint(0, 10**6)
"""


def failures(doc: dict, rule: str | None = None) -> list[dict]:
    return [f for f in doc["failures"] if rule is None or f["rule"] == rule]
