"""Helpers for the attestation tests (tests/attest/): real git, real ``ssh-keygen``, real CLI."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support import git, tracemark


@dataclass
class Keys:
    """Two ed25519 keys: ``dev`` is in the allowed signers, ``stranger`` is not."""

    dev: Path
    stranger: Path
    allowed: Path

    def fingerprint(self, key: Path) -> str:
        out = subprocess.run(["ssh-keygen", "-lf", str(key)], capture_output=True, text=True,
                             check=True).stdout
        return out.split()[1]


def _keygen(path: Path, comment: str) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f",
                    str(path)], check=True)
    return path


def make_keys(d: Path) -> Keys:
    dev = _keygen(d / "dev", "dev@example.com")
    stranger = _keygen(d / "stranger", "mallory@example.com")
    allowed = d / "allowed_signers"
    pub = (d / "dev.pub").read_text().split()
    allowed.write_text(f"dev@example.com {pub[0]} {pub[1]}\n")
    return Keys(dev, stranger, allowed)


def configure_signing(root: Path, keys: Keys) -> None:
    git(root, "config", "gpg.format", "ssh")
    git(root, "config", "user.signingkey", str(keys.dev))
    git(root, "config", "gpg.ssh.allowedSignersFile", str(keys.allowed))


def mark(root: Path, path: str, lines: str, tool: str = "copilot", model: str | None = "gpt-4.1"
         ) -> None:
    """Record AI lines in the real ledger, exactly as ``tracemark mark FILE --lines --tool``
    does (in this process: a CLI start-up per mark would double these tests' time; the CLI
    itself is tested in tests/cli and by ``mark_cli``)."""
    from tracemark.cli.mark import parse_line_ranges
    from tracemark.gitutil import find_repo
    from tracemark.ledger import open_ledger, writer_name
    from tracemark.model import Confidence, Origin, OriginKind
    from tracemark.tracking.lines import line_range_offsets
    from tracemark.tracking.positions import TextIndex

    text = (root / path).read_text()
    index = TextIndex(text)
    origin = Origin(kind=OriginKind.AI, tool=tool, model=model, confidence=Confidence.DECLARED,
                    source="mark")
    with open_ledger(find_repo(root)) as ledger:
        for a, b in parse_line_ranges(lines):
            start, end = line_range_offsets(index, a, b)
            ledger.mark(path, text, start, end, origin, writer=writer_name("mark"))


def mark_cli(root: Path, path: str, lines: str, tool: str = "copilot",
             model: str | None = "gpt-4.1") -> None:
    """Record AI lines with the real ``tracemark mark`` command line."""
    args = ["mark", path, "--lines", lines, "--tool", tool]
    if model:
        args += ["--model", model]
    out = tracemark(*args, cwd=root)
    assert out.returncode == 0, out.stderr


def write(root: Path, path: str, text: str) -> Path:
    p = root / path
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def commit(root: Path, *args: str, env: dict[str, str] | None = None, check: bool = True
           ) -> subprocess.CompletedProcess[str]:
    """``git commit ARGS`` as a user runs it (hooks and all)."""
    import os

    proc = subprocess.run(["git", "commit", *args], cwd=root, text=True, capture_output=True,
                          env={**os.environ, "GIT_EDITOR": "true", **(env or {})})
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def message(root: Path, rev: str = "HEAD") -> str:
    """The commit message exactly as stored."""
    return git(root, "cat-file", "commit", rev).split("\n\n", 1)[1]


def verify(root: Path, rev: str = "HEAD", **kw):
    from tracemark.attest import verify_commit

    return verify_commit(root, rev, **kw)


def ai_spans(result) -> list[tuple[str, int, int, str, str | None]]:
    return sorted((a.path, a.start, a.end, a.tool, a.model) for a in result.ai_lines)


#: Twelve lines: a human header, an AI function, a human footer. Used across the tests.
APP = """\
import os


def helper(x):
    return x * 2


def ai_written(path):
    data = open(path).read()
    return data.upper()

# end
"""


def use_sigstore(repo: Path, double: Any, tmp_path: Path, monkeypatch: Any) -> Path:
    """``repo`` signing with Sigstore against ``double`` (``tests/sigstore_double.py``): its
    trust config, identity and issuer in git config, the hooks installed, and the ambient
    GitHub Actions OIDC variables the double answers."""
    trust = tmp_path / "trust_config.json"
    trust.write_text(json.dumps(double.trust_config()))
    git(repo, "config", "tracemark.signer", "sigstore")
    git(repo, "config", "tracemark.sigstore.trustConfig", str(trust))
    git(repo, "config", "tracemark.sigstore.identity", "dev@example.com")
    git(repo, "config", "tracemark.sigstore.issuer", double.issuer)
    installed = tracemark("hooks", "install", cwd=repo)
    assert installed.returncode == 0, installed.stderr
    for k, v in double.github_env().items():
        monkeypatch.setenv(k, v)
    return repo
