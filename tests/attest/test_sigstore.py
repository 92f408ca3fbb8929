"""Issue 7, Sigstore keyless (opt-in): DSSE over an in-toto Statement v1 with sigstore-python,
the bundle in ``refs/notes/tracemark`` referenced from the trailer, verified offline with an
identity policy.

Fulcio, Rekor and the OIDC provider are the only things replaced: ``tests/sigstore_double.py``
serves their real HTTP APIs on 127.0.0.1 (GitHub Actions' ID-token API, Fulcio v2
``signingCert``, Rekor v1 ``log/entries``). sigstore-python signs and verifies with its own
code; what differs from the public-good instance is which keys the trust root names, because
nobody but Sigstore holds the public Fulcio, CT log and Rekor private keys.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from attest_support import APP, commit, mark, message, use_sigstore, verify, write
from sigstore_double import SigstoreDouble

from tracemark.attest import SigstorePolicy
from tracemark.attest.signers.sigstore import NOTES_REF
from tracemark.attest.trailers import parse_message
from tracemark.model import CommitStatus

from support import git

pytestmark = pytest.mark.network_double


@pytest.fixture
def double():
    with SigstoreDouble() as d:
        yield d


@pytest.fixture
def srepo(repo: Path, double: SigstoreDouble, tmp_path: Path, monkeypatch) -> Path:
    return use_sigstore(repo, double, tmp_path, monkeypatch)


def _ai_commit(root: Path) -> None:
    write(root, "app.py", APP)
    mark(root, "app.py", "8-10", "claude-code", "claude-sonnet-4")
    git(root, "add", "app.py")
    commit(root, "-m", "sigstore signed")


def test_keyless_commit_bundle_in_notes_verifies_offline(srepo: Path, double: SigstoreDouble):
    _ai_commit(srepo)
    msg = message(srepo)
    sig = parse_message(msg).records[0].signature.value
    assert sig.startswith(f"v1 sigstore {NOTES_REF}:")
    oid = sig.rsplit(":", 1)[1]
    bundle = json.loads(git(srepo, "notes", "--ref", NOTES_REF, "show", oid))
    assert bundle["mediaType"].startswith("application/vnd.dev.sigstore.bundle")
    assert bundle["dsseEnvelope"]["payloadType"] == "application/vnd.in-toto+json"
    statement = json.loads(base64.b64decode(bundle["dsseEnvelope"]["payload"]))
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == "https://tracemark.dev/provenance/v1"
    assert {s["name"] for s in statement["subject"]} == {"tracemark-record",
                                                         "app.py#ai-lines"}
    # The real services' calls went to the double: token, certificate, log entry.
    assert double.requests == ["GET /gha/token", "POST /api/v2/signingCert",
                               "POST /api/v1/log/entries"]
    result = verify(srepo)
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert result.records[0].signer.method == "sigstore"
    assert result.records[0].signer.principal == "dev@example.com"


def test_identity_policy_is_enforced(srepo: Path, double: SigstoreDouble, tmp_path: Path):
    _ai_commit(srepo)
    trust = Path(git(srepo, "config", "tracemark.sigstore.trustConfig").strip())
    wrong = verify(srepo, sigstore=SigstorePolicy("mallory@example.com", double.issuer, trust))
    assert wrong.status is CommitStatus.INVALID
    assert "SANs do not match mallory@example.com" in wrong.reasons[0]
    issuer = verify(srepo, sigstore=SigstorePolicy("dev@example.com", "https://evil", trust))
    assert issuer.status is CommitStatus.INVALID and "does not match" in issuer.reasons[0]


def test_production_trust_root_refuses_a_bundle_from_elsewhere(srepo: Path,
                                                               double: SigstoreDouble):
    """Default verification is ``Verifier.production(offline=True)``: it loads the embedded
    public-good trust root without the network and refuses a certificate it did not issue."""
    _ai_commit(srepo)
    result = verify(srepo, sigstore=SigstorePolicy("dev@example.com", double.issuer, None))
    assert result.status is CommitStatus.INVALID
    assert "sigstore bundle does not verify" in result.reasons[0]


def test_missing_notes_and_edited_record_are_refused(srepo: Path):
    _ai_commit(srepo)
    sha = git(srepo, "rev-parse", "HEAD").strip()
    git(srepo, "update-ref", "-d", NOTES_REF)
    result = verify(srepo, sha)
    assert result.status is CommitStatus.INVALID
    assert "not in refs/notes/tracemark" in result.reasons[0] and "git fetch" in \
        result.reasons[0]


def test_rebase_keeps_the_bundle_reachable(srepo: Path, tmp_path: Path):
    """The note hangs off the record's own blob id, so a rewritten commit still finds it."""
    _ai_commit(srepo)
    write(srepo, "first.txt", "a file added after\n")
    git(srepo, "add", "first.txt")
    commit(srepo, "--no-verify", "-m", "unrelated")
    todo = tmp_path / "reverse.py"
    todo.write_text("import sys\np = sys.argv[1]\n"
                    "ls = [x for x in open(p).read().splitlines() if x.startswith('pick')]\n"
                    "open(p, 'w').write('\\n'.join(reversed(ls)) + '\\n')\n")
    env = {**os.environ, "GIT_SEQUENCE_EDITOR": f"{sys.executable} {todo}"}
    proc = subprocess.run(["git", "rebase", "-q", "-i", "HEAD~2"], cwd=srepo, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert git(srepo, "log", "-1", "--format=%s").strip() == "sigstore signed"
    assert verify(srepo).status is CommitStatus.AI_ATTESTED


def test_no_identity_token_commits_with_a_warning(repo: Path, double: SigstoreDouble,
                                                  tmp_path: Path, monkeypatch):
    trust = tmp_path / "trust.json"
    trust.write_text(json.dumps(double.trust_config()))
    git(repo, "config", "tracemark.signer", "sigstore")
    git(repo, "config", "tracemark.sigstore.trustConfig", str(trust))
    from support import tracemark

    tracemark("hooks", "install", cwd=repo)
    for k in ("GITHUB_ACTIONS", "ACTIONS_ID_TOKEN_REQUEST_URL", "SIGSTORE_ID_TOKEN"):
        monkeypatch.delenv(k, raising=False)
    write(repo, "app.py", APP)
    git(repo, "add", "app.py")
    out = commit(repo, "-m", "no token")
    assert "no OIDC identity token" in out.stderr
    assert message(repo) == "no token\n"
    assert double.requests == []
