"""Where the gate's trust comes from: the policy file and the signers it names.

A pull request can change ``.tracemark/policy.yaml`` and the allowed-signers file along with
its code. Judging it by its own files would let it loosen the policy or add its own key, so
``--policy-rev REV`` reads both from another revision (the base branch): the GitHub Action and
the GitLab template pass the base commit. Without it the working tree's files are used and the
report notes when the range changes them.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tracemark.attest.config import AttestConfig
from tracemark.attest.verify import SigstorePolicy, sigstore_policy_from
from tracemark.errors import InputError
from tracemark.gate.history import read_blobs
from tracemark.policy import (
    POLICY_FILES,
    KnownRules,
    Policy,
    find_policy,
    load_policy,
    parse_policy,
)


@dataclass
class Trust:
    policy: Policy
    #: Human-readable: ``default``, ``.tracemark/policy.yaml``, ``origin/main:.tracemark/...``.
    policy_source: str
    #: Repository-relative path of the policy file in use (to notice a range changing it).
    policy_path: str | None
    allowed_signers: Path | None
    #: Repository-relative path of the allowed signers, when inside the repository.
    signers_path: str | None
    sigstore: list[SigstorePolicy] = field(default_factory=list)
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def _rel(root: Path, path: Path) -> str | None:
    try:
        return Path(os.path.realpath(path)).relative_to(os.path.realpath(root)).as_posix()
    except ValueError:
        return None


def load_trust(root: Path, config: AttestConfig, *, policy_file: Path | None = None,
               policy_rev: str | None = None, allowed_signers: Path | None = None,
               known_rules: KnownRules | None = None) -> Trust:
    """The policy and signers for a verification run.

    Precedence for signers: ``allowed_signers`` (the command line), the policy's
    ``signers.allowed_signers``, git's ``tracemark.allowedSignersFile`` /
    ``gpg.ssh.allowedSignersFile``.
    """
    tmp: tempfile.TemporaryDirectory[str] | None = None
    if policy_rev is not None:
        _check_rev(root, policy_rev)
        names = [policy_file.as_posix()] if policy_file is not None else list(POLICY_FILES)
        if policy_file is not None and policy_file.is_absolute():
            raise InputError(f"--policy {policy_file}: with --policy-rev, give the policy's "
                             "path inside the repository")
        blobs = read_blobs(root, [f"{policy_rev}:{n}" for n in names])
        found = next(((n, blobs[f"{policy_rev}:{n}"]) for n in names
                      if blobs.get(f"{policy_rev}:{n}") is not None), None)
        if found is None:
            policy = Policy()
            source, policy_path = f"default ({policy_rev} has no policy file)", None
        else:
            name, data = found
            text = data.decode("utf-8", "replace")  # type: ignore[union-attr]
            policy = parse_policy(text, f"{policy_rev}:{name}", known_rules=known_rules)
            source, policy_path = f"{policy_rev}:{name}", name
    else:
        path = policy_file if policy_file is not None else find_policy(root)
        if path is None:
            policy, source, policy_path = Policy(), "default", None
        else:
            policy = load_policy(path, known_rules=known_rules)
            policy_path = _rel(root, path)
            source = policy_path or str(path)

    signers: Path | None = None
    signers_path: str | None = None
    if allowed_signers is not None:
        if not allowed_signers.is_file():
            raise InputError(f"--allowed-signers {allowed_signers}: no such file")
        signers, signers_path = allowed_signers, _rel(root, allowed_signers)
    elif policy.signers.allowed_signers:
        named = policy.signers.allowed_signers
        if policy_rev is not None and not os.path.isabs(named):
            data = read_blobs(root, [f"{policy_rev}:{named}"]).get(f"{policy_rev}:{named}")
            if data is None:
                raise InputError(f"{source}: signers.allowed_signers: {named} is not in "
                                 f"{policy_rev}")
            tmp = tempfile.TemporaryDirectory(prefix="tracemark-signers-")
            signers = Path(tmp.name) / "allowed_signers"
            signers.write_bytes(data)
            signers_path = named
        else:
            signers = Path(named) if os.path.isabs(named) else root / named
            if not signers.is_file():
                raise InputError(f"{source}: signers.allowed_signers: {named}: no such file")
            signers_path = _rel(root, signers)
    else:
        signers = config.allowed_signers
        signers_path = _rel(root, signers) if signers is not None else None

    sigstore = [SigstorePolicy(s.identity, s.issuer,
                               (root / s.trust_config) if s.trust_config else None)
                for s in policy.signers.sigstore]
    if not sigstore:
        configured = sigstore_policy_from(config)
        sigstore = [configured] if configured is not None else []
    return Trust(policy, source, policy_path, signers, signers_path, sigstore, tmp)


def _check_rev(root: Path, rev: str) -> None:
    from tracemark.gitutil import git

    proc = git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root, check=False)
    if proc.returncode != 0:
        raise InputError(f"--policy-rev {rev}: not a commit")
