"""Issue 8: the Sigstore identities the policy names (``signers.sigstore``), checked offline
against a keyless-signed commit. Fulcio, Rekor and the OIDC provider are the attestation
tests' local double (``tests/sigstore_double.py``), speaking their real HTTP APIs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from attest_support import use_sigstore
from sigstore_double import SigstoreDouble

from gate_support import CLEAN
from support import git, tracemark

pytestmark = pytest.mark.network_double


def test_policy_sigstore_identities(repo: Path, tmp_path: Path, monkeypatch) -> None:
    with SigstoreDouble() as double:
        use_sigstore(repo, double, tmp_path, monkeypatch)
        trust = tmp_path / "trust_config.json"
        git(repo, "checkout", "-q", "-b", "feature")
        (repo / "a.py").write_text(CLEAN)
        assert tracemark("mark", "a.py", "--lines", "1-2", "--tool", "copilot",
                         cwd=repo).returncode == 0
        git(repo, "add", "a.py")
        git(repo, "commit", "-q", "-m", "keyless")
    assert "v1 sigstore" in git(repo, "log", "-1", "--format=%B")
    # From here on only the policy says who may sign (git's settings removed).
    git(repo, "config", "--unset", "tracemark.sigstore.identity")
    git(repo, "config", "--unset", "tracemark.sigstore.issuer")

    def verify(identities: list[str]) -> dict:
        entries = "".join(f"    - identity: {i}\n      issuer: {double.issuer}\n"
                          f"      trust_config: {trust}\n" for i in identities)
        policy = tmp_path / "policy.yaml"
        policy.write_text(f"signers:\n  sigstore:\n{entries}")
        out = tracemark("verify", "main..HEAD", "--policy", str(policy), "--format", "json",
                        cwd=repo)
        assert out.returncode in (0, 1), out.stderr
        return json.loads(out.stdout)

    doc = verify(["release@example.com", "dev@example.com"])  # any listed identity will do
    assert doc["passed"] is True, doc["failures"]
    assert doc["commits"][0]["signers"][0]["principal"] == "dev@example.com"
    doc = verify(["release@example.com"])
    assert doc["passed"] is False
    assert doc["failures"][0]["rule"] == "invalid-attestation"
