"""Issue 7, forgeries: each refused by ``verify_commit`` with a reason that says what is wrong.

A genuine commit is made through the real hooks; forged commits reuse its tree and parent with
an edited message (``git commit-tree``), exactly what someone editing trailers by hand makes.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from attest_support import APP, Keys, commit, mark, message, verify, write

from tracemark.attest.lines import b64, unb64
from tracemark.attest.trailers import fold, parse_message
from tracemark.model import CommitStatus

from support import git


def _genuine(root: Path) -> str:
    write(root, "app.py", APP)
    mark(root, "app.py", "8-10", "copilot", "gpt-4.1")
    git(root, "add", "app.py")
    commit(root, "-m", "genuine")
    return git(root, "rev-parse", "HEAD").strip()


def _forge(root: Path, like: str, msg: str, tree: str | None = None) -> str:
    """A commit with ``like``'s tree and parent (unless ``tree``) and the message ``msg``."""
    tree = tree or git(root, "rev-parse", f"{like}^{{tree}}").strip()
    parent = git(root, "rev-parse", f"{like}^").strip()
    return git(root, "commit-tree", tree, "-p", parent, "-F", "-", input=msg).strip()


def _record_value(msg: str) -> tuple[str, str]:
    """``(trailer text as in the message, its value)`` of the first record."""
    rt = parse_message(msg).records[0].record
    lines = msg.split("\n")[rt.first:rt.last + 1]
    return "\n".join(lines), rt.value


def _edit_record(msg: str, change) -> str:
    text, value = _record_value(msg)
    version, enc, data = value.split(None, 2)
    raw = unb64(data)
    doc = json.loads(zlib.decompress(raw) if enc == "z" else raw)
    change(doc)
    new = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    data = b64(zlib.compress(new) if enc == "z" else new)
    return msg.replace(text, fold("Tracemark-Record", f"{version} {enc} {data}"))


def _assert_invalid(root: Path, sha: str, *fragments: str) -> None:
    result = verify(root, sha)
    assert result.status is CommitStatus.INVALID, result
    text = " ".join(result.reasons)
    for f in fragments:
        assert f in text, text


def test_genuine_commit_verifies(arepo: Path):
    sha = _genuine(arepo)
    assert verify(arepo, sha).status is CommitStatus.AI_ATTESTED


def test_edited_range_is_refused(arepo: Path):
    sha = _genuine(arepo)

    def widen(doc):  # claim lines 4-10 instead of 8-10
        doc["fs"][0]["r"][0]["s"] = 4
        doc["fs"][0]["r"][0]["n"] = 7

    forged = _forge(arepo, sha, _edit_record(message(arepo, sha), widen))
    _assert_invalid(arepo, forged, "record 1:", "does not match the record",
                    "edited after signing")


def test_edited_tool_in_the_assisted_by_trailer_is_refused(arepo: Path):
    sha = _genuine(arepo)
    msg = message(arepo, sha).replace("Assisted-by: copilot:gpt-4.1", "Assisted-by: vim:by-hand")
    forged = _forge(arepo, sha, msg)
    _assert_invalid(arepo, forged, "Assisted-by trailers do not match the signed record",
                    "copilot:gpt-4.1", "vim:by-hand")


def test_edited_tool_inside_the_record_is_refused(arepo: Path):
    sha = _genuine(arepo)

    def retool(doc):
        doc["tm"][0]["t"] = "human"

    msg = _edit_record(message(arepo, sha), retool).replace("copilot:gpt-4.1", "human:gpt-4.1")
    forged = _forge(arepo, sha, msg)
    _assert_invalid(arepo, forged, "does not match the record")


def test_trailer_copied_onto_another_commit_is_refused(arepo: Path):
    sha = _genuine(arepo)
    _text, _ = _record_value(message(arepo, sha))
    trailers = message(arepo, sha).split("\n\n", 1)[1]
    write(arepo, "other.py", "print('a different change')\n")
    git(arepo, "add", "other.py")
    commit(arepo, "--no-verify", "-m", "other")
    other = git(arepo, "rev-parse", "HEAD").strip()
    forged = _forge(arepo, other, f"other\n\n{trailers}")
    _assert_invalid(arepo, forged, "does not bind to this commit",
                    "copied from another commit")


def test_signature_by_a_key_not_in_allowed_signers_is_refused(arepo: Path, keys: Keys):
    git(arepo, "config", "user.signingkey", str(keys.stranger))
    sha = _genuine(arepo)
    assert "Tracemark-Signature: v1 ssh" in message(arepo, sha)
    _assert_invalid(arepo, sha, "not in the allowed signers", keys.fingerprint(keys.stranger))
    # The same commit verifies for someone who does allow that key.
    allowed = arepo.parent / "allow-stranger"
    pub = (keys.stranger.parent / "stranger.pub").read_text().split()
    allowed.write_text(f"mallory@example.com {pub[0]} {pub[1]}\n")
    ok = verify(arepo, sha, allowed_signers=allowed)
    assert ok.status is CommitStatus.AI_ATTESTED
    assert ok.records[0].signer.principal == "mallory@example.com"


def test_allowed_signer_restricted_to_git_namespace_is_refused(arepo: Path, keys: Keys):
    sha = _genuine(arepo)
    only_git = arepo.parent / "only-git"
    pub = (keys.dev.parent / "dev.pub").read_text().split()
    only_git.write_text(f'dev@example.com namespaces="git" {pub[0]} {pub[1]}\n')
    result = verify(arepo, sha, allowed_signers=only_git)
    assert result.status is CommitStatus.INVALID
    assert "not in the allowed signers" in result.reasons[0] or "not allowed" in result.reasons[0]


@pytest.mark.parametrize("cut", [8, 40])
def test_truncated_signature_is_refused(arepo: Path, cut: int):
    sha = _genuine(arepo)
    msg = message(arepo, sha)
    sig = parse_message(msg).records[0].signature
    lines = msg.split("\n")
    last = lines[sig.last]
    lines[sig.last] = last[: len(last) - cut] if len(last) > cut + 2 else last[:2]
    forged = _forge(arepo, sha, "\n".join(lines))
    _assert_invalid(arepo, forged, "signature")
    result = verify(arepo, forged)
    assert "malformed" in result.reasons[0] or "does not match" in result.reasons[0]


def test_truncated_record_is_refused(arepo: Path):
    sha = _genuine(arepo)
    msg = message(arepo, sha)
    rec = parse_message(msg).records[0].record
    lines = msg.split("\n")
    del lines[rec.last]
    forged = _forge(arepo, sha, "\n".join(lines))
    result = verify(arepo, forged)
    assert result.status is CommitStatus.INVALID
    assert result.reasons[0].startswith("record 1: ")


def test_removed_signature_and_removed_record_are_refused(arepo: Path):
    sha = _genuine(arepo)
    msg = message(arepo, sha)
    rt = parse_message(msg).records[0]
    lines = msg.split("\n")
    no_sig = "\n".join(lines[:rt.signature.first] + lines[rt.signature.last + 1:])
    _assert_invalid(arepo, _forge(arepo, sha, no_sig), "no Tracemark-Signature")
    no_rec = "\n".join(lines[:rt.record.first] + lines[rt.record.last + 1:])
    _assert_invalid(arepo, _forge(arepo, sha, no_rec), "orphan Tracemark-Signature")


def test_no_allowed_signers_configured_is_invalid_not_silently_ok(arepo: Path):
    sha = _genuine(arepo)
    git(arepo, "config", "--unset", "gpg.ssh.allowedSignersFile")
    _assert_invalid(arepo, sha, "no allowed signers file")
    # Binding-only checks (stats, blame) still see the AI lines.
    assert verify(arepo, sha, check_signatures=False).status is CommitStatus.AI_ATTESTED


def test_absurd_range_in_an_unverified_record_is_refused_without_work(arepo: Path):
    """``stats``/``blame`` bind records without checking signatures: a hostile record claiming
    a billion lines is refused as malformed, not searched for."""
    sha = _genuine(arepo)

    def huge(doc):
        doc["fs"][0]["r"][0]["n"] = 10**9
        doc["fs"][0]["r"][0].pop("l")

    forged = _forge(arepo, sha, _edit_record(message(arepo, sha), huge))
    result = verify(arepo, forged, check_signatures=False)
    assert result.status is CommitStatus.INVALID
    assert "malformed" in result.reasons[0]
