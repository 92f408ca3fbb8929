"""Issue 8: a forged, replayed or edited trailer fails with a reason; a rebased branch still
passes; merges; signers from the policy; the policy read from the base revision."""

from __future__ import annotations

import json
import os
import subprocess

from tracemark.attest.lines import b64
from tracemark.attest.trailers import RECORD_KEY, decode_record, fold, parse_message

from gate_support import CLEAN, SHELL, GateRepo, failures
from support import git


def _commit_message(r: GateRepo, message: str, *args: str) -> str:
    """Commit with exactly this message and no hooks (what someone tampering would do)."""
    msg = r.keys.parent / "msg.txt"
    msg.write_text(message)
    git(r.root, "add", "-A")
    git(r.root, "commit", "-q", "--no-verify", "--allow-empty", "-F", str(msg), *args)
    return r.head()


def test_forged_trailer_signed_by_unknown_key_fails(gate_repo: GateRepo) -> None:
    """A real signature by a key that is not in the allowed signers."""
    r = gate_repo
    git(r.root, "config", "user.signingkey", str(r.stranger))
    r.write("a.py", CLEAN)
    r.mark("a.py", "1-2")
    sha = r.commit("signed by a stranger")
    assert "Tracemark-Signature: v1 ssh" in r.message()
    doc = r.verify_json("main..HEAD", code=1)
    [f] = failures(doc)
    assert f["rule"] == "invalid-attestation" and f["commit"] == sha
    assert "not in the allowed signers" in f["reason"]
    assert doc["commits"][0]["status"] == "invalid"


def test_replayed_trailer_fails(gate_repo: GateRepo) -> None:
    """The trailers of one commit copied onto another commit's content."""
    r = gate_repo
    r.write("a.py", CLEAN)
    r.mark("a.py", "1-2")
    r.commit("genuine")
    stolen = r.message()
    git(r.root, "checkout", "-q", "-b", "other", "main")
    r.write("b.py", "print('something else')\n")
    sha = _commit_message(r, stolen)
    doc = r.verify_json("main..HEAD", code=1)
    [f] = failures(doc)
    assert f["rule"] == "invalid-attestation" and f["commit"] == sha
    assert "does not bind to this commit" in f["reason"]


def test_edited_assisted_by_trailer_fails(gate_repo: GateRepo) -> None:
    r = gate_repo
    r.write("a.py", CLEAN)
    r.mark("a.py", "1-2")
    r.commit("ai code")
    edited = r.message().replace("Assisted-by: copilot:gpt-4.1", "Assisted-by: vim:none")
    _commit_message(r, edited, "--amend")
    doc = r.verify_json("main..HEAD", code=1)
    [f] = failures(doc)
    assert "Assisted-by trailers do not match the signed record" in f["reason"]


def test_edited_record_fails_its_signature(gate_repo: GateRepo) -> None:
    """The record re-encoded with another tool name: the signature no longer matches."""
    r = gate_repo
    r.write("a.py", CLEAN)
    r.mark("a.py", "1-2")
    r.commit("ai code")
    message = r.message()
    rt = parse_message(message).records[0].record
    payload = json.loads(decode_record(rt.value))
    payload["tm"][0]["t"] = "trusted-human"
    raw = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
    lines = message.split("\n")
    new = fold(RECORD_KEY, f"v1 j {b64(raw)}")
    edited = "\n".join([*lines[:rt.first], new, *lines[rt.last + 1:]])
    _commit_message(r, edited, "--amend")
    doc = r.verify_json("main..HEAD", code=1)
    reasons = " ".join(f["reason"] for f in failures(doc, "invalid-attestation"))
    assert "does not match the record" in reasons or "edited" in reasons


def test_rebased_branch_still_passes(gate_repo: GateRepo) -> None:
    """main moves on (lines inserted above the AI code); the rebased AI commit verifies."""
    r = gate_repo
    r.write("a.py", CLEAN)
    r.commit("base file", add=True)
    git(r.root, "checkout", "-q", "main")
    git(r.root, "merge", "-q", "--ff-only", "feature")
    git(r.root, "checkout", "-q", "feature")
    r.write("a.py", CLEAN + "\n\ndef sub(a, b):\n    return a - b\n")
    r.mark("a.py", "9-10")
    r.commit("ai sub")
    git(r.root, "checkout", "-q", "main")
    r.write("a.py", '"""Arithmetic."""\n\nimport math\n\n' + CLEAN)
    r.commit("docstring on main")
    git(r.root, "checkout", "-q", "feature")
    proc = subprocess.run(["git", "rebase", "-q", "main"], cwd=r.root, capture_output=True,
                          text=True, env={**os.environ, "GIT_EDITOR": "true"})
    assert proc.returncode == 0, proc.stderr
    doc = r.verify_json("main..feature", code=0)
    [c] = doc["commits"]
    assert c["status"] == "ai-attested"
    assert [(a["path"], a["start"], a["end"]) for a in c["ai_lines"]] == [("a.py", 13, 14)]


def test_clean_merge_needs_no_record(gate_repo: GateRepo) -> None:
    """A merge's own lines are those new relative to every parent: a clean merge has none."""
    r = gate_repo
    r.write("a.py", CLEAN)
    r.mark("a.py", "1-2")
    r.commit("ai code")
    git(r.root, "checkout", "-q", "main")
    r.write("b.txt", "main side\n")
    r.commit("main side")
    git(r.root, "merge", "-q", "--no-verify", "--no-ff", "-m", "merge feature", "feature")
    policy = r.policy("attestation:\n  required: true\n")
    doc = r.verify_json("HEAD~1..HEAD", "--policy", str(policy), code=0)
    merge = next(c for c in doc["commits"] if c["merge"])
    assert merge["lines"]["added"] == 0 and merge["needs_attestation"] is False
    assert {c["status"] for c in doc["commits"] if not c["merge"]} == {"ai-attested"}


def test_signers_from_policy_and_command_line(gate_repo: GateRepo) -> None:
    """``signers.allowed_signers`` in the policy, or --allowed-signers, is what counts."""
    r = gate_repo
    r.write("a.py", CLEAN)
    r.mark("a.py", "1-2")
    r.commit("ai code")
    git(r.root, "config", "--unset", "gpg.ssh.allowedSignersFile")
    doc = r.verify_json("main..HEAD", code=1)  # no signers anywhere: cannot be trusted
    assert "allowed signers" in failures(doc)[0]["reason"]
    assert any("signers.allowed_signers" in n for n in doc["notes"])
    policy = r.policy(f"signers:\n  allowed_signers: {r.allowed}\n")
    assert r.verify("main..HEAD", "--policy", str(policy)).returncode == 0
    assert r.verify("main..HEAD", "--allowed-signers", str(r.allowed)).returncode == 0
    strangers = r.keys / "strangers"
    pub = (r.keys / "stranger.pub").read_text().split()
    strangers.write_text(f"mallory@example.com {pub[0]} {pub[1]}\n")
    doc = r.verify_json("main..HEAD", "--allowed-signers", str(strangers), code=1)
    assert "not in the allowed signers" in failures(doc)[0]["reason"]


def test_policy_from_the_base_revision(gate_repo: GateRepo) -> None:
    """--policy-rev: a change that loosens its own policy is judged by the base's."""
    r = gate_repo
    git(r.root, "checkout", "-q", "main")
    r.write(".tracemark/policy.yaml", "ai:\n  forbidden_paths: ['vendor/']\n")
    r.commit("strict policy")
    git(r.root, "checkout", "-q", "feature")
    git(r.root, "rebase", "-q", "main")
    r.write(".tracemark/policy.yaml", "ai: {}\n")
    r.write("vendor/lib.py", CLEAN)
    r.mark("vendor/lib.py", "1-2")
    r.commit("ai vendor code, policy loosened")
    doc = r.verify_json("main..HEAD", code=0)  # its own (working tree) policy lets it pass
    assert any("--policy-rev" in n for n in doc["notes"])
    doc = r.verify_json("main..HEAD", "--policy-rev", "main", code=1)
    assert doc["policy"]["source"] == "main:.tracemark/policy.yaml"
    assert failures(doc)[0]["rule"] == "ai-forbidden-path"


def test_lines_changed_after_signing(gate_repo: GateRepo) -> None:
    """AI lines edited after signing (an amend without the hooks): reported as
    lines-changed; failing where attestation is required."""
    r = gate_repo
    r.write("app.py", SHELL)
    r.mark("app.py", "4-5")
    r.commit("ai code")
    r.write("app.py", SHELL.replace("cmd, shell", "cmd + ' --x', shell"))
    git(r.root, "add", "-A")
    git(r.root, "commit", "-q", "--amend", "--no-edit", "--no-verify")
    doc = r.verify_json("main..HEAD")
    assert doc["commits"][0]["status"] == "lines-changed"
    assert doc["commits"][0]["lines"]["unattested"] >= 1
    policy = r.policy("attestation:\n  required: true\n")
    doc = r.verify_json("main..HEAD", "--policy", str(policy), code=1)
    assert "AI lines changed since signing" in failures(doc, "attestation-required")[0]["reason"]
