"""tracemark's attestation settings, read from git config (the hooks run inside git anyway).

=============================== =========================================================
``tracemark.signer``            ``ssh`` (default), ``sigstore``, or ``none`` (no records)
``tracemark.signingKey``        SSH key (path, or ``key::ssh-ed25519 AAAA...`` via the agent);
                                default: ``user.signingKey`` when ``gpg.format=ssh``
``tracemark.allowedSignersFile`` who may sign; default: ``gpg.ssh.allowedSignersFile``
``tracemark.failClosed``        ``true``: refuse the commit when signing fails (default:
                                commit without a record, with a warning)
``tracemark.attestHuman``       ``false``: no record for commits without AI lines
``tracemark.sshProgram``        ssh-keygen to use; default ``gpg.ssh.program`` or ``ssh-keygen``
``tracemark.sigstore.*``        ``identity``, ``issuer``, ``trustConfig``, ``token`` (see
                                ``signers/sigstore.py``)
=============================== =========================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tracemark.gitutil import git

SSH_NAMESPACE = "tracemark-provenance"


@dataclass
class AttestConfig:
    values: dict[str, list[str]] = field(default_factory=dict)
    root: Path = Path(".")

    def get(self, key: str, default: str | None = None) -> str | None:
        vals = self.values.get(key.lower())
        return vals[-1] if vals else default

    def flag(self, key: str, default: bool) -> bool:
        v = self.get(key)
        if v is None:
            return default
        return v.strip().lower() in ("1", "true", "yes", "on", "")

    def path(self, key: str) -> Path | None:
        v = self.get(key)
        if not v:
            return None
        p = Path(os.path.expanduser(v))
        return p if p.is_absolute() else self.root / p

    @property
    def signer(self) -> str:
        return (self.get("tracemark.signer") or "ssh").strip().lower()

    @property
    def fail_closed(self) -> bool:
        return self.flag("tracemark.failclosed", False)

    @property
    def attest_human(self) -> bool:
        return self.flag("tracemark.attesthuman", True)

    @property
    def signing_key(self) -> str | None:
        """The SSH key to sign with: tracemark's own setting, else git's SSH signing key."""
        own = self.get("tracemark.signingkey")
        if own:
            return own
        if (self.get("gpg.format") or "").lower() == "ssh":
            return self.get("user.signingkey")
        return None

    @property
    def allowed_signers(self) -> Path | None:
        return self.path("tracemark.allowedsignersfile") or self.path(
            "gpg.ssh.allowedsignersfile")

    @property
    def comment_char(self) -> str:
        value = (self.get("core.commentchar") or "#").strip()
        return value if value and value != "auto" else "#"

    @property
    def ssh_program(self) -> str:
        return self.get("tracemark.sshprogram") or self.get("gpg.ssh.program") or "ssh-keygen"


def load_config(root: Path) -> AttestConfig:
    """Every ``tracemark.*``, ``gpg.*`` and ``user.*`` setting (and the comment character),
    in one git call."""
    proc = git(["config", "-z", "--get-regexp", r"^(tracemark\.|gpg\.|user\.|core\.commentchar)"],
               root, check=False)
    values: dict[str, list[str]] = {}
    for entry in proc.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not entry:
            continue
        key, _, value = entry.partition("\n")
        values.setdefault(key.lower(), []).append(value)
    return AttestConfig(values, root)
