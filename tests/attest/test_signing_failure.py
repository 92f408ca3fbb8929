"""Issue 7, never lose a commit: a signing failure leaves the message intact and commits with a
warning, or refuses (``tracemark.failClosed``) with the message kept; a broken ledger or a
crashing hook never blocks git."""

from __future__ import annotations

import stat
from pathlib import Path

from attest_support import APP, commit, mark, message, verify, write

from tracemark.model import CommitStatus

from support import git

MSG = "Keep me exactly\n\nBody line one.\nBody line two.\n\nSigned-off-by: Dev <dev@example.com>\n"


def _stage(root: Path) -> None:
    write(root, "app.py", APP)
    mark(root, "app.py", "8-10")
    git(root, "add", "app.py")


def test_missing_key_commits_with_a_warning_and_the_message_intact(arepo: Path, tmp_path: Path):
    git(arepo, "config", "user.signingkey", str(tmp_path / "no-such-key"))
    _stage(arepo)
    msgfile = tmp_path / "msg"
    msgfile.write_text(MSG)
    out = commit(arepo, "-F", str(msgfile))
    assert "signing failed, committing without a provenance record" in out.stderr
    assert "no-such-key does not exist" in out.stderr
    assert message(arepo) == MSG
    assert verify(arepo).status is CommitStatus.UNATTESTED


def test_ssh_keygen_failure_loses_nothing(arepo: Path, tmp_path: Path):
    """ssh-keygen itself fails (a locked key without an agent, a broken program)."""
    broken = tmp_path / "ssh-keygen"
    broken.write_text("#!/bin/sh\necho 'agent refused operation' >&2\nexit 255\n")
    broken.chmod(broken.stat().st_mode | stat.S_IXUSR)
    git(arepo, "config", "tracemark.sshProgram", str(broken))
    _stage(arepo)
    out = commit(arepo, "-m", "first line\n\nsecond paragraph")
    assert "agent refused operation" in out.stderr
    assert message(arepo) == "first line\n\nsecond paragraph\n"


def test_fail_closed_refuses_and_keeps_the_message(arepo: Path, tmp_path: Path):
    git(arepo, "config", "tracemark.failClosed", "true")
    git(arepo, "config", "user.signingkey", str(tmp_path / "no-such-key"))
    _stage(arepo)
    head = git(arepo, "rev-parse", "HEAD")
    msgfile = tmp_path / "msg"
    msgfile.write_text(MSG)
    out = commit(arepo, "-F", str(msgfile), check=False)
    assert out.returncode != 0
    assert "commit refused (tracemark.failClosed)" in out.stderr
    assert git(arepo, "rev-parse", "HEAD") == head
    assert (arepo / ".git" / "COMMIT_EDITMSG").read_text() == MSG
    # Fixing the key and retrying with the kept message works.
    git(arepo, "config", "--unset", "user.signingkey")
    git(arepo, "config", "tracemark.signingKey", str(Path(git(
        arepo, "config", "gpg.ssh.allowedSignersFile").strip()).parent / "dev"))
    commit(arepo, "-F", ".git/COMMIT_EDITMSG")
    assert message(arepo).startswith(MSG.rstrip("\n"))
    assert verify(arepo).status is CommitStatus.AI_ATTESTED


def test_unreadable_ledger_commits_with_a_warning(arepo: Path):
    _stage(arepo)
    ledger = arepo / ".git" / "tracemark" / "ledger.db"
    for side in ("-wal", "-shm"):
        Path(f"{ledger}{side}").unlink(missing_ok=True)
    ledger.write_bytes(b"this is not a database" * 100)
    out = commit(arepo, "-m", "ledger broken")
    assert "could not attest, committing without a provenance record" in out.stderr
    assert message(arepo) == "ledger broken\n"
    assert ledger.read_bytes().startswith(b"this is not a database")  # left untouched


def test_bad_signer_setting_commits_with_a_warning(arepo: Path):
    git(arepo, "config", "tracemark.signer", "pgp")
    _stage(arepo)
    out = commit(arepo, "-m", "odd signer")
    assert "tracemark.signer='pgp'" in out.stderr
    assert message(arepo) == "odd signer\n"


def test_hook_that_cannot_even_start_warns_and_commits(arepo: Path, tmp_path: Path):
    """A broken install (tracemark shadowed by a broken package): the shell wrapper sees Python
    fail, says so, and lets git commit."""
    shadow = tmp_path / "shadow" / "tracemark"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("raise ImportError('broken install')\n")
    _stage(arepo)
    out = commit(arepo, "-m", "survives", env={"PYTHONPATH": str(shadow.parent)})
    assert "commit-msg hook failed (exit 1); git goes on without it" in out.stderr
    assert message(arepo) == "survives\n"
