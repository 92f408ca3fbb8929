"""Sigstore keyless signing (opt-in: ``tracemark.signer=sigstore``), with sigstore-python 4.x.

Signing: the record becomes the predicate of an in-toto Statement v1 whose subject is the
record's SHA-256 (name ``tracemark-record``) and, for each file with AI lines, that file's AI
lines (name ``PATH#ai-lines``; in-toto digests take SHA-256, not git's SHA-1). The statement is
signed as a DSSE envelope with a short-lived Fulcio certificate for the signer's OIDC identity
and logged in Rekor (``Signer.sign_dsse``). The resulting bundle is too big for a trailer, so it
is kept in git notes, ``refs/notes/tracemark``, attached to the *record itself*: the note's
object is the git blob id of the record bytes. That key is content-addressed, so a rebase or a
cherry-pick that keeps the record keeps finding its bundle, with no note to copy. The trailer
says ``Tracemark-Signature: v1 sigstore refs/notes/tracemark:<record blob id>``; push and fetch
the notes ref with the branch (``git push origin refs/notes/tracemark``).

Verification is offline: ``Verifier.production(offline=True)`` (the trust root embedded in
sigstore-python) or, for a private deployment, the trusted root of a ``ClientTrustConfig`` file
(``tracemark.sigstore.trustConfig``), with an identity policy (certificate identity and OIDC
issuer). The DSSE payload must be an in-toto Statement of tracemark's predicate type whose
record subject is the SHA-256 of the record in the trailer.

The identity token comes from ``SIGSTORE_ID_TOKEN`` or from ambient credentials (GitHub Actions
with ``id-token: write``, GCP, ...) through ``sigstore.oidc.detect_credential``; a git hook
cannot open a browser, so there is no interactive flow.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from tracemark.attest.signers import SignatureInvalid, SigningError
from tracemark.gitutil import git
from tracemark.model import SignerInfo

if TYPE_CHECKING:  # pragma: no cover
    from tracemark.attest.config import AttestConfig
    from tracemark.attest.verify import SigstorePolicy
    from tracemark.gitutil import Repo
    from tracemark.model import ProvenanceRecord

METHOD = "sigstore"
NOTES_REF = "refs/notes/tracemark"
PREDICATE_TYPE = "https://tracemark.dev/provenance/v1"
RECORD_SUBJECT = "tracemark-record"
IN_TOTO = "application/vnd.in-toto+json"


def record_blob_id(root: Path, payload: bytes) -> str:
    """The git blob id of the record bytes (what the note is attached to)."""
    return git(["hash-object", "--stdin"], root, input=payload).stdout.decode().strip()


def statement(payload: bytes, record: ProvenanceRecord, ai_digests: dict[str, str]):
    """The in-toto Statement v1 that is signed (``ai_digests``: path → SHA-256 hex)."""
    from sigstore.dsse import DigestSet, StatementBuilder, Subject

    subjects = [Subject(name=RECORD_SUBJECT, digest=DigestSet(
        root={"sha256": hashlib.sha256(payload).hexdigest()}))]
    subjects += [Subject(name=f"{path}#ai-lines", digest=DigestSet(root={"sha256": d}))
                 for path, d in sorted(ai_digests.items())]
    return (StatementBuilder().subjects(subjects).predicate_type(PREDICATE_TYPE)
            .predicate(json.loads(payload)).build())


def _trust_config(path: Path | None):
    from sigstore.models import ClientTrustConfig

    if path is None:
        return ClientTrustConfig.production()
    try:
        return ClientTrustConfig.from_json(path.read_text())
    except OSError as err:
        raise SigningError(f"tracemark.sigstore.trustConfig {path}: {err.strerror}") from None


def identity_token() -> str:
    """An OIDC token for Fulcio: ``SIGSTORE_ID_TOKEN`` or the CI's ambient credential."""
    token = os.environ.get("SIGSTORE_ID_TOKEN")
    if token:
        return token
    from sigstore.oidc import IdentityError, detect_credential

    try:
        token = detect_credential()
    except IdentityError as err:
        raise SigningError(f"no OIDC identity token: {err}") from None
    if not token:
        raise SigningError("no OIDC identity token: set SIGSTORE_ID_TOKEN or sign where "
                           "ambient credentials exist (e.g. GitHub Actions, id-token: write)")
    return token


def sign(repo: Repo, payload: bytes, record: ProvenanceRecord, config: AttestConfig,
         ai_digests: dict[str, str] | None = None) -> str:
    """Sign keylessly, store the bundle in ``refs/notes/tracemark``; the trailer value."""
    try:
        from sigstore.oidc import IdentityToken
        from sigstore.sign import SigningContext
    except ImportError as err:  # pragma: no cover - sigstore is a dependency
        raise SigningError(f"sigstore is not installed: {err}") from None
    trust = _trust_config(config.path("tracemark.sigstore.trustconfig"))
    try:
        token = IdentityToken(identity_token())
        ctx = SigningContext.from_trust_config(trust)
        with ctx.signer(token, cache=True) as signer:
            bundle = signer.sign_dsse(statement(payload, record, ai_digests or {}))
    except SigningError:
        raise
    except Exception as err:  # network, Fulcio or Rekor refusal: one line, commit goes on
        raise SigningError(f"sigstore signing failed: {type(err).__name__}: {err}"[:300]
                           ) from None
    oid = git(["hash-object", "-w", "--stdin"], repo.root, input=payload).stdout.decode().strip()
    git(["notes", "--ref", NOTES_REF, "add", "-f", "-F", "-", oid], repo.root,
        input=bundle.to_json().encode())
    return f"{METHOD} {NOTES_REF}:{oid}"


def _certificate_identity(cert) -> str | None:
    from cryptography import x509

    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    values = san.get_values_for_type(x509.RFC822Name) + san.get_values_for_type(
        x509.UniformResourceIdentifier)
    return values[0] if values else None


def verify(root: Path, payload: bytes, value: str, policy: SigstorePolicy) -> SignerInfo:
    """Check a ``sigstore REF:OID`` signature over the record bytes ``payload``, offline."""
    parts = value.split()
    if len(parts) != 2 or ":" not in parts[1]:
        raise SignatureInvalid("sigstore signature: expected 'sigstore REF:OBJECT'")
    ref, _, oid = parts[1].rpartition(":")
    if record_blob_id(root, payload) != oid:
        raise SignatureInvalid("sigstore signature names another record than the one in the "
                               "message (record edited after signing)")
    note = git(["notes", "--ref", ref, "show", oid], root, check=False)
    if note.returncode != 0:
        raise SignatureInvalid(f"sigstore bundle for this record is not in {ref} (fetch it: "
                               f"git fetch origin {ref}:{ref})")
    from sigstore.errors import Error as SigstoreError
    from sigstore.models import Bundle
    from sigstore.verify import Verifier
    from sigstore.verify.policy import Identity

    try:
        bundle = Bundle.from_json(note.stdout)
    except Exception as err:
        raise SignatureInvalid(f"sigstore bundle in {ref} is malformed: {err}"[:300]) from None
    try:
        if policy.trust_config is not None:
            verifier = Verifier(trusted_root=_trust_config(policy.trust_config).trusted_root)
        else:
            verifier = Verifier.production(offline=True)
        payload_type, body = verifier.verify_dsse(
            bundle, Identity(identity=policy.identity, issuer=policy.issuer))
    except (SigstoreError, SigningError) as err:
        raise SignatureInvalid(f"sigstore bundle does not verify: {err}"[:400]) from None
    if payload_type != IN_TOTO:
        raise SignatureInvalid(f"sigstore envelope holds {payload_type!r}, not an in-toto "
                               "statement")
    try:
        stmt = json.loads(body)
        subjects = {s.get("name"): s.get("digest", {}).get("sha256") for s in stmt["subject"]}
        ptype = stmt["predicateType"]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise SignatureInvalid("sigstore envelope is not an in-toto Statement") from None
    if ptype != PREDICATE_TYPE:
        raise SignatureInvalid(f"sigstore statement has predicate type {ptype!r}")
    if subjects.get(RECORD_SUBJECT) != hashlib.sha256(payload).hexdigest():
        raise SignatureInvalid("sigstore statement was made for another record")
    cert = bundle.signing_certificate
    return SignerInfo(method=METHOD, principal=_certificate_identity(cert), key=policy.issuer)
