"""Issue 7, at commit: AI lines staged → signed trailers in the message, however it was written.

Each test commits through real git with tracemark's hooks installed (``tracemark hooks
install``), a real SSH key (``ssh-keygen``) and the ledger filled by ``tracemark mark``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from attest_support import APP, ai_spans, commit, mark, mark_cli, message, verify, write

from tracemark.attest.trailers import parse_message
from tracemark.model import CommitStatus

from support import git


def _stage_app(root: Path) -> None:
    write(root, "app.py", APP)
    mark(root, "app.py", "8-10")
    git(root, "add", "app.py")


def test_plain_commit_with_m_gets_assisted_by_record_and_signature(arepo: Path):
    write(arepo, "app.py", APP)
    mark_cli(arepo, "app.py", "8-10")  # the real command line, once
    git(arepo, "add", "app.py")
    out = commit(arepo, "-m", "Add app\n\nWith a body line.")
    assert "attested 3 AI lines in 1 file (copilot:gpt-4.1)" in out.stderr
    msg = message(arepo)
    assert msg.startswith("Add app\n\nWith a body line.\n\nAssisted-by: copilot:gpt-4.1\n")
    parsed = parse_message(msg)
    assert len(parsed.records) == 1 and parsed.records[0].signature is not None
    assert parsed.records[0].signature.value.startswith("v1 ssh ")
    result = verify(arepo)
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert ai_spans(result) == [("app.py", 8, 10, "copilot", "gpt-4.1")]
    assert result.records[0].signer.principal == "dev@example.com"
    # The trailers are real git trailers: git's own parser reads them.
    trailers = git(arepo, "log", "-1", "--format=%(trailers:key=Assisted-by,valueonly)")
    assert trailers.strip() == "copilot:gpt-4.1"


def test_record_holds_scan_summary_hashes_and_reviewed_marks(arepo: Path):
    write(arepo, "app.py", APP.replace("open(path).read()", "eval(open(path).read())"))
    mark(arepo, "app.py", "8-10")
    out = __import__("support").tracemark("mark", "app.py", "--lines", "10", "--reviewed",
                                          cwd=arepo)
    assert out.returncode == 0, out.stderr
    git(arepo, "add", "app.py")
    commit(arepo, "-m", "eval")
    rec = verify(arepo).records[0].record
    f = rec.files[0]
    assert [(r.start, r.count, r.kind) for r in f.ranges] == [(8, 2, "ai"), (10, 1, "reviewed")]
    assert all(len(r.line_hashes) == r.count for r in f.ranges)
    assert f.added == 12 and f.tracked
    assert rec.scan.rules > 0 and rec.scan.counts.get("error", 0) >= 1
    assert any(h.rule.endswith("eval") or "eval" in h.rule for h in rec.scan.hits), rec.scan
    assert verify(arepo).ai_lines[1].reviewed is True


def test_message_from_file_F(arepo: Path, tmp_path: Path):
    _stage_app(arepo)
    msgfile = tmp_path / "msg.txt"
    msgfile.write_text("From a file\n\nSigned-off-by: Dev <dev@example.com>\n")
    commit(arepo, "-F", str(msgfile))
    msg = message(arepo)
    # Appended to the existing trailer block, after Signed-off-by.
    assert msg.startswith("From a file\n\nSigned-off-by: Dev <dev@example.com>\n"
                          "Assisted-by: copilot:gpt-4.1\nTracemark-Record: v1 j\n")
    assert verify(arepo).status is CommitStatus.AI_ATTESTED


def _editor(tmp_path: Path, text: str) -> str:
    script = tmp_path / "editor.sh"
    body = text.replace("'", "'\\''")
    script.write_text(f"#!/bin/sh\n# keep git's comments, put our text first\n"
                      f"{{ printf '%s\\n' '{body}'; cat \"$1\"; }} > \"$1.new\" && "
                      f"mv \"$1.new\" \"$1\"\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_editor_message_with_comments_and_verbose_diff(arepo: Path, tmp_path: Path):
    """GIT_EDITOR writes the message; ``-v`` adds a scissors line and the diff below it."""
    _stage_app(arepo)
    commit(arepo, "-v", env={"GIT_EDITOR": _editor(tmp_path, "Typed in an editor")})
    msg = message(arepo)
    assert msg.startswith("Typed in an editor\n\nAssisted-by: copilot:gpt-4.1\n")
    assert "diff --git" not in msg and "# Please enter" not in msg
    assert verify(arepo).status is CommitStatus.AI_ATTESTED


def test_empty_editor_message_still_aborts_and_adds_nothing(arepo: Path):
    _stage_app(arepo)
    out = commit(arepo, env={"GIT_EDITOR": "true"}, check=False)
    assert out.returncode != 0 and "empty commit message" in out.stderr
    assert git(arepo, "rev-list", "--count", "HEAD").strip() == "1"


def test_no_verify_commit_simply_has_no_trailer(arepo: Path):
    _stage_app(arepo)
    commit(arepo, "--no-verify", "-m", "quick")
    assert message(arepo) == "quick\n"
    assert verify(arepo).status is CommitStatus.UNATTESTED


def test_human_commit_is_attested_human(arepo: Path):
    write(arepo, "notes.txt", "written by hand\n")
    git(arepo, "add", "notes.txt")
    commit(arepo, "-m", "notes")
    msg = message(arepo)
    assert "Assisted-by" not in msg and "Tracemark-Record: v1 j" in msg
    result = verify(arepo)
    assert result.status is CommitStatus.HUMAN_ATTESTED and not result.ai_lines


def test_commit_a_uses_the_temporary_index(arepo: Path):
    """``git commit -a`` commits a temporary index (GIT_INDEX_FILE): the hook must read it."""
    write(arepo, "app.py", APP)
    git(arepo, "add", "app.py")
    commit(arepo, "-m", "app, human")
    with (arepo / "app.py").open("a") as fh:
        fh.write("def more():\n    return 1\n")
    mark(arepo, "app.py", "13-14", "cursor", None)
    commit(arepo, "-a", "-m", "more")
    assert ai_spans(verify(arepo)) == [("app.py", 13, 14, "cursor", None)]


def test_attest_human_off_writes_nothing_for_human_commits(arepo: Path):
    git(arepo, "config", "tracemark.attestHuman", "false")
    write(arepo, "notes.txt", "by hand\n")
    git(arepo, "add", "notes.txt")
    commit(arepo, "-m", "notes")
    assert message(arepo) == "notes\n"


def test_signer_none_disables_records(arepo: Path):
    git(arepo, "config", "tracemark.signer", "none")
    _stage_app(arepo)
    commit(arepo, "-m", "no records")
    assert message(arepo) == "no records\n"


def test_hook_does_not_need_the_cli_on_path(arepo: Path):
    """The installed scripts run this interpreter by absolute path (no PATH lookup)."""
    _stage_app(arepo)
    commit(arepo, "-m", "x", env={"PATH": "/usr/bin:/bin"})
    assert verify(arepo).status is CommitStatus.AI_ATTESTED
    assert os.access(arepo / ".git" / "hooks" / "commit-msg", os.X_OK)
