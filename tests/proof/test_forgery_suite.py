"""Issue 11, forgery suite: attacks on trailers and notes, each refused with its reason.

Every attack starts from a genuine commit made through the real hooks (real git, real
``ssh-keygen``; Sigstore through the local double of Fulcio/Rekor/OIDC that speaks their real
APIs). Forged commits keep the genuine tree and parent and carry an edited message
(``git commit-tree``): what someone editing trailers by hand, or a tool replaying them, makes.
Each test names the attack and asserts ``verify_commit``'s verdict (``invalid``) and the reason
it gives, word for word where the reason is tracemark's own.

Attacks refused (20): edited range, edited tool, edited model, edited kind, edited line hash,
record version downgraded, trailer copied onto another commit, replayed onto a commit that adds
the same file under another path, signature by a key not in the allowed signers, key allowed
only for git's namespace, expired key (``valid-before``), truncated signature, signature of
another record swapped in, signature removed, record removed, Assisted-by removed or edited,
compact encoding tampered (re-compressed and corrupted), Sigstore bundle of another record in
the notes, notes ref deleted, identity not matching the policy. One that is *reported, not
refused*, by design: an extra ``Assisted-by`` (it claims more AI help, hides nothing).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from attest_support import APP, Keys, commit, mark, message, use_sigstore, verify, write

from tracemark.attest.lines import b64, unb64
from tracemark.attest.trailers import fold, parse_message
from tracemark.model import CommitStatus

from support import git

# -- helpers ---------------------------------------------------------------------------------


def _genuine(root: Path, path: str = "app.py", text: str = APP, lines: str = "8-10",
             tool: str = "copilot", model: str | None = "gpt-4.1", msg: str = "genuine") -> str:
    write(root, path, text)
    mark(root, path, lines, tool, model)
    git(root, "add", path)
    commit(root, "-m", msg)
    sha = git(root, "rev-parse", "HEAD").strip()
    assert verify(root, sha).status is CommitStatus.AI_ATTESTED  # the starting point is sound
    return sha


def _forge(root: Path, like: str, msg: str, parent: str | None = None) -> str:
    """A commit with ``like``'s tree and parent (or ``parent``) and the message ``msg``."""
    tree = git(root, "rev-parse", f"{like}^{{tree}}").strip()
    parent = parent or git(root, "rev-parse", f"{like}^").strip()
    return git(root, "commit-tree", tree, "-p", parent, "-F", "-", input=msg).strip()


def _lines(msg: str) -> list[str]:
    return msg.split("\n")


def _record_block(msg: str, index: int = 0) -> tuple[int, int, str]:
    """First and last line of a record trailer and its value."""
    rt = parse_message(msg).records[index].record
    return rt.first, rt.last, rt.value


def _edit_record(msg: str, change: Callable[[dict], None], *,
                 raw: Callable[[bytes], bytes] | None = None) -> str:
    """The message with its record decoded, changed, and encoded again the same way."""
    first, last, value = _record_block(msg)
    version, enc, data = value.split(None, 2)
    blob = unb64(data)
    doc = json.loads(zlib.decompress(blob) if enc == "z" else blob)
    change(doc)
    new = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    blob = zlib.compress(new) if enc == "z" else new
    if raw is not None:
        blob = raw(blob)
    lines = _lines(msg)
    lines[first:last + 1] = fold("Tracemark-Record", f"{version} {enc} {b64(blob)}").split("\n")
    return "\n".join(lines)


def _refused(root: Path, sha: str, *fragments: str, **kw) -> str:
    result = verify(root, sha, **kw)
    assert result.status is CommitStatus.INVALID, (result.status, result.reasons)
    text = " | ".join(result.reasons)
    for f in fragments:
        assert f in text, text
    return text


def _pub(keys: Keys, name: str) -> str:
    kind, body = (keys.dev.parent / f"{name}.pub").read_text().split()[:2]
    return f"{kind} {body}"


SIGNATURE_MISMATCH = "SSH signature does not match the record (record edited after signing)"
NOT_BOUND = ("record 1: record does not bind to this commit: none of its 3 AI lines are lines "
             "this commit adds (trailer copied from another commit?)")

# -- the record's content --------------------------------------------------------------------


def test_edited_range_is_refused(arepo: Path):
    sha = _genuine(arepo)

    def widen(doc):  # claim lines 4-10 as AI instead of 8-10
        r = doc["fs"][0]["r"][0]
        r["s"], r["n"] = 4, 7
        r["l"] = ["AAAAAAAA"] * 4 + r["l"]

    _refused(arepo, _forge(arepo, sha, _edit_record(message(arepo, sha), widen)),
             "record 1: " + SIGNATURE_MISMATCH)


def test_edited_tool_is_refused(arepo: Path):
    sha = _genuine(arepo)

    def retool(doc):
        doc["tm"][0]["t"] = "human"

    msg = _edit_record(message(arepo, sha), retool).replace("copilot:gpt-4.1", "human:gpt-4.1")
    _refused(arepo, _forge(arepo, sha, msg), SIGNATURE_MISMATCH)


def test_edited_model_is_refused(arepo: Path):
    sha = _genuine(arepo)

    def remodel(doc):
        doc["tm"][0]["m"] = "gpt-5-approved"

    msg = _edit_record(message(arepo, sha), remodel).replace("copilot:gpt-4.1",
                                                             "copilot:gpt-5-approved")
    _refused(arepo, _forge(arepo, sha, msg), SIGNATURE_MISMATCH)


def test_edited_kind_ai_to_reviewed_is_refused(arepo: Path):
    sha = _genuine(arepo)

    def review(doc):
        doc["fs"][0]["r"][0]["k"] = "reviewed"

    _refused(arepo, _forge(arepo, sha, _edit_record(message(arepo, sha), review)),
             SIGNATURE_MISMATCH)


def test_edited_line_hash_is_refused(arepo: Path):
    """The range digest rewritten to match other content: the signature no longer covers it."""
    sha = _genuine(arepo)

    def rehash(doc):
        doc["fs"][0]["r"][0]["h"] = b64(b"\0" * 32)

    _refused(arepo, _forge(arepo, sha, _edit_record(message(arepo, sha), rehash)),
             SIGNATURE_MISMATCH)


def test_record_version_downgrade_is_refused(arepo: Path):
    sha = _genuine(arepo)
    first, _, _ = _record_block(message(arepo, sha))
    lines = _lines(message(arepo, sha))
    lines[first] = lines[first].replace("Tracemark-Record: v1 ", "Tracemark-Record: v0 ")
    _refused(arepo, _forge(arepo, sha, "\n".join(lines)),
             "record 1: Tracemark-Record: format 'v0' is not supported (this tracemark reads v1)")


# -- binding: the record on another commit ---------------------------------------------------


def test_trailer_copied_onto_another_commit_is_refused(arepo: Path):
    sha = _genuine(arepo)
    trailers = message(arepo, sha).split("\n\n", 1)[1]
    write(arepo, "other.py", "print('a different change')\n")
    git(arepo, "add", "other.py")
    commit(arepo, "--no-verify", "-m", "other")
    forged = _forge(arepo, "HEAD", f"other\n\n{trailers}")
    _refused(arepo, forged, NOT_BOUND)


def test_replay_onto_a_commit_adding_the_same_file_under_another_path_is_refused(arepo: Path):
    """Same bytes, another path (``vendor/app.py``) on another branch: the record names
    ``app.py``, which that commit does not add, so it cannot vouch for it."""
    sha = _genuine(arepo)
    trailers = message(arepo, sha).split("\n\n", 1)[1]
    git(arepo, "checkout", "-q", "-b", "elsewhere", f"{sha}^")
    write(arepo, "vendor/app.py", APP)
    git(arepo, "add", "vendor/app.py")
    commit(arepo, "--no-verify", "-m", "vendored")
    forged = _forge(arepo, "HEAD", f"vendored\n\n{trailers}")
    _refused(arepo, forged, NOT_BOUND)


def test_replay_onto_a_commit_with_other_lines_in_the_same_file_is_refused(arepo: Path):
    sha = _genuine(arepo)
    trailers = message(arepo, sha).split("\n\n", 1)[1]
    write(arepo, "app.py", APP.replace("# end", "# the end, by hand"))
    git(arepo, "add", "app.py")
    commit(arepo, "--no-verify", "-m", "edit footer")
    forged = _forge(arepo, "HEAD", f"edit footer\n\n{trailers}")
    _refused(arepo, forged, NOT_BOUND)


# -- signatures and keys ---------------------------------------------------------------------


def test_signature_by_a_key_not_in_the_allowed_signers_is_refused(arepo: Path, keys: Keys):
    git(arepo, "config", "user.signingkey", str(keys.stranger))
    write(arepo, "app.py", APP)
    mark(arepo, "app.py", "8-10")
    git(arepo, "add", "app.py")
    commit(arepo, "-m", "signed by a stranger")
    _refused(arepo, "HEAD", f"signed by key {keys.fingerprint(keys.stranger)}, which is not in "
             f"the allowed signers ({keys.allowed})")


def test_key_allowed_only_for_git_signatures_is_refused(arepo: Path, keys: Keys):
    sha = _genuine(arepo)
    only_git = arepo.parent / "only-git"
    only_git.write_text(f'dev@example.com namespaces="git" {_pub(keys, "dev")}\n')
    _refused(arepo, sha, f"key {keys.fingerprint(keys.dev)} of dev@example.com is not allowed "
             "to sign tracemark records", allowed_signers=only_git)


def test_expired_key_is_refused(arepo: Path, keys: Keys):
    """``valid-before`` in the allowed signers, checked at the record's own signing time."""
    sha = _genuine(arepo)
    expired = arepo.parent / "expired"
    expired.write_text(f'dev@example.com valid-before="20200101" {_pub(keys, "dev")}\n')
    _refused(arepo, sha, f"record 1: signed by key {keys.fingerprint(keys.dev)}, which the "
             f"allowed signers ({expired}) do not accept at the record's signing time",
             "(valid-after/valid-before: expired key?)", allowed_signers=expired)
    # The same key before its expiry date verifies: the refusal is about time, not the key.
    later = arepo.parent / "later"
    later.write_text(f'dev@example.com valid-before="29990101" {_pub(keys, "dev")}\n')
    assert verify(arepo, sha, allowed_signers=later).status is CommitStatus.AI_ATTESTED


def test_truncated_signature_is_refused(arepo: Path):
    sha = _genuine(arepo)
    msg = message(arepo, sha)
    sig = parse_message(msg).records[0].signature
    lines = _lines(msg)
    lines[sig.last] = lines[sig.last][:-12]
    _refused(arepo, _forge(arepo, sha, "\n".join(lines)),
             "record 1: SSH signature is malformed (truncated?)")


def test_signature_of_another_record_swapped_in_is_refused(arepo: Path):
    """Two genuine commits by the same allowed key; the second's signature on the first's
    record: a valid signature, over other bytes."""
    first = _genuine(arepo)
    second = _genuine(arepo, "lib.py", APP.replace("helper", "helper2"), "4-5", msg="second")
    m1, m2 = message(arepo, first), message(arepo, second)
    s1, s2 = parse_message(m1).records[0].signature, parse_message(m2).records[0].signature
    lines = _lines(m1)
    lines[s1.first:s1.last + 1] = _lines(m2)[s2.first:s2.last + 1]
    _refused(arepo, _forge(arepo, first, "\n".join(lines)), "record 1: " + SIGNATURE_MISMATCH)


def test_removed_signature_is_refused(arepo: Path):
    sha = _genuine(arepo)
    msg = message(arepo, sha)
    sig = parse_message(msg).records[0].signature
    lines = _lines(msg)
    del lines[sig.first:sig.last + 1]
    _refused(arepo, _forge(arepo, sha, "\n".join(lines)),
             "record 1: record has no Tracemark-Signature after it (unsigned or removed)")


def test_removed_record_is_refused(arepo: Path):
    """Dropping the record (to hide the AI lines) leaves its signature an orphan."""
    sha = _genuine(arepo)
    first, last, _ = _record_block(message(arepo, sha))
    lines = _lines(message(arepo, sha))
    del lines[first:last + 1]
    text = _refused(arepo, _forge(arepo, sha, "\n".join(lines)), "orphan Tracemark-Signature at "
                    "line", "(its record was removed?)")
    assert text.startswith("orphan")


# -- Assisted-by -----------------------------------------------------------------------------


def test_removed_assisted_by_is_refused(arepo: Path):
    sha = _genuine(arepo)
    msg = message(arepo, sha).replace("Assisted-by: copilot:gpt-4.1\n", "")
    assert "Assisted-by" not in msg
    _refused(arepo, _forge(arepo, sha, msg), "Assisted-by trailers do not match the signed "
             "record: it attests copilot:gpt-4.1 but the message says nothing (edited trailer?)")


def test_edited_assisted_by_is_refused(arepo: Path):
    sha = _genuine(arepo)
    msg = message(arepo, sha).replace("Assisted-by: copilot:gpt-4.1", "Assisted-by: vim:by-hand")
    _refused(arepo, _forge(arepo, sha, msg), "it attests copilot:gpt-4.1 but the message says "
             "vim:by-hand (edited trailer?)")


def test_added_assisted_by_is_reported_not_refused(arepo: Path):
    """By design an extra ``Assisted-by`` is a person's declaration (help from a tool
    tracemark did not see): it hides nothing, so it is reported, never silently merged."""
    sha = _genuine(arepo)
    msg = message(arepo, sha).replace("Assisted-by: copilot:gpt-4.1",
                                      "Assisted-by: copilot:gpt-4.1\nAssisted-by: chatgpt:web")
    result = verify(arepo, _forge(arepo, sha, msg))
    assert result.status is CommitStatus.AI_ATTESTED
    assert "Assisted-by chatgpt:web declared by hand, not attested" in result.notes


# -- the compact encoding --------------------------------------------------------------------

BIG = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(60))


def _compact_genuine(root: Path) -> str:
    lines = ",".join(f"{1 + 4 * i}-{2 + 4 * i}" for i in range(0, 60, 2))
    sha = _genuine(root, "many.py", BIG, lines)
    assert "Tracemark-Record: v1 z" in message(root, sha)  # the compact encoding
    return sha


def test_compact_record_edited_and_recompressed_is_refused(arepo: Path):
    sha = _compact_genuine(arepo)

    def shrink(doc):  # drop a range to hide AI lines, keep the record well-formed
        doc["fs"][0]["r"].pop()

    _refused(arepo, _forge(arepo, sha, _edit_record(message(arepo, sha), shrink)),
             SIGNATURE_MISMATCH)


def test_compact_record_with_corrupted_data_is_refused(arepo: Path):
    sha = _compact_genuine(arepo)

    def corrupt(blob: bytes) -> bytes:
        return blob[:10] + bytes([blob[10] ^ 0xFF]) + blob[11:]

    _refused(arepo, _forge(arepo, sha, _edit_record(message(arepo, sha), lambda d: None,
                                                    raw=corrupt)),
             "record 1: Tracemark-Record: compressed data is corrupt (truncated?)")


# -- Sigstore: the bundle in git notes -------------------------------------------------------


@pytest.fixture
def double():
    from sigstore_double import SigstoreDouble

    with SigstoreDouble() as d:
        yield d


@pytest.fixture
def srepo(repo: Path, double, tmp_path: Path, monkeypatch) -> Path:
    return use_sigstore(repo, double, tmp_path, monkeypatch)


@pytest.mark.network_double
def test_sigstore_bundle_of_another_record_in_the_notes_is_refused(srepo: Path):
    """The note for record A replaced by record B's (genuine) bundle."""
    from tracemark.attest.signers.sigstore import NOTES_REF

    first = _genuine(srepo)
    second = _genuine(srepo, "lib.py", APP.replace("helper", "helper2"), "4-5", msg="second")
    oid1 = parse_message(message(srepo, first)).records[0].signature.value.rsplit(":", 1)[1]
    oid2 = parse_message(message(srepo, second)).records[0].signature.value.rsplit(":", 1)[1]
    other = git(srepo, "notes", "--ref", NOTES_REF, "show", oid2)
    git(srepo, "notes", "--ref", NOTES_REF, "add", "-f", "-m", other.rstrip("\n"), oid1)
    _refused(srepo, first, "record 1: sigstore statement was made for another record")
    assert verify(srepo, second).status is CommitStatus.AI_ATTESTED


@pytest.mark.network_double
def test_sigstore_notes_ref_deleted_is_refused(srepo: Path):
    from tracemark.attest.signers.sigstore import NOTES_REF

    sha = _genuine(srepo)
    git(srepo, "update-ref", "-d", NOTES_REF)
    _refused(srepo, sha, "sigstore bundle for this record is not in refs/notes/tracemark",
             "fetch")


@pytest.mark.network_double
def test_sigstore_identity_not_matching_the_policy_is_refused(srepo: Path, double):
    from tracemark.attest import SigstorePolicy

    sha = _genuine(srepo)
    trust = Path(git(srepo, "config", "tracemark.sigstore.trustConfig").strip())
    _refused(srepo, sha, "SANs do not match mallory@example.com",
             sigstore=SigstorePolicy("mallory@example.com", double.issuer, trust))
