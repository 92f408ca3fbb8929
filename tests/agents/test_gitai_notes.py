"""Issue 9, interoperability: git-ai notes (refs/notes/ai, Git AI Standard v3) written with real
``git notes`` in the documented format are a second source of origin for ``blame``; tracemark
reads them and never writes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracemark.capture.gitai import NoteError, parse_log
from tracemark.model import OriginKind

from support import git, tracemark

MAIN = "".join(f"v{i} = {i}\n" for i in range(1, 11))  # 10 lines

NOTE = """src/main.py
  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-4
  h_31dce776f88375 6-7
  abcd1234abcd1234 9
"src/other file.py"
  s_c9883b05a2487d::t_a1b2c3d4e5f678 1
---
{
  "schema_version": "authorship/3.0.0",
  "git_ai_version": "1.4.5",
  "base_commit_sha": "BASE",
  "prompts": {
    "abcd1234abcd1234": {
      "agent_id": {"tool": "claude", "id": "conv_abc123", "model": "claude-sonnet-4-5-20250514"},
      "human_author": "Developer <dev@example.com>",
      "total_additions": 1, "total_deletions": 0, "accepted_lines": 1, "overriden_lines": 0
    }
  },
  "humans": {"h_31dce776f88375": {"author": "Developer <dev@example.com>"}},
  "sessions": {
    "s_c9883b05a2487d": {
      "agent_id": {"tool": "cursor", "id": "6ef2299e-a67f", "model": "gpt-5"},
      "human_author": "dev@example.com"
    }
  }
}
"""


@pytest.fixture
def noted(repo: Path, tmp_path: Path) -> tuple[Path, str]:
    (repo / "src").mkdir()
    (repo / "src/main.py").write_text(MAIN)
    (repo / "src/other file.py").write_text("x = 1\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "add main")
    sha = git(repo, "rev-parse", "HEAD").strip()
    note = tmp_path / "note.txt"
    note.write_text(NOTE.replace("BASE", sha))
    git(repo, "notes", "--ref=ai", "add", "-F", str(note), sha)
    return repo, sha


def blame(repo: Path, rel: str) -> list[dict]:
    out = tracemark("blame", rel, "--json", cwd=repo)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["lines"]


def test_blame_reads_sessions_humans_and_legacy_prompts_from_the_note(noted):
    repo, _sha = noted
    lines = blame(repo, "src/main.py")
    assert [ln["kind"] for ln in lines] == ["ai"] * 4 + ["unknown", "human", "human",
                                                         "unknown", "ai", "unknown"]
    assert (lines[0]["tool"], lines[0]["model"], lines[0]["session"], lines[0]["source"]) == (
        "cursor", "gpt-5", "6ef2299e-a67f", "git-ai")
    assert (lines[8]["tool"], lines[8]["model"]) == ("claude-code", "claude-sonnet-4-5-20250514")
    assert "source" not in lines[4]
    assert blame(repo, "src/other file.py")[0]["tool"] == "cursor"


def test_blame_follows_note_lines_through_later_commits(noted):
    repo, _sha = noted
    (repo / "src/main.py").write_text('"""Header."""\n\n' + MAIN)
    git(repo, "commit", "-q", "-am", "header")
    lines = blame(repo, "src/main.py")
    assert [ln["line"] for ln in lines if ln["kind"] == "ai"] == [3, 4, 5, 6, 11]
    assert lines[0]["kind"] == "unknown"  # the new commit has no note


def test_the_ledger_wins_over_the_note(noted):
    repo, _sha = noted
    assert tracemark("mark", "src/main.py", "--lines", "2", "--human", cwd=repo).returncode == 0
    assert tracemark("mark", "src/main.py", "--lines", "5", "--tool", "copilot",
                     cwd=repo).returncode == 0
    lines = blame(repo, "src/main.py")
    assert lines[1]["kind"] == "human" and "source" not in lines[1]
    assert (lines[4]["kind"], lines[4]["tool"]) == ("ai", "copilot")
    assert (lines[0]["kind"], lines[0]["source"]) == ("ai", "git-ai")  # no ledger claim there


def test_tracemark_never_writes_git_ai_notes(noted):
    repo, sha = noted
    before = git(repo, "for-each-ref", "refs/notes/")
    blame(repo, "src/main.py")
    tracemark("export", "--format", "agent-trace", cwd=repo)
    assert git(repo, "for-each-ref", "refs/notes/") == before
    assert git(repo, "notes", "--ref=ai", "show", sha) == NOTE.replace("BASE", sha)


def test_a_malformed_note_is_reported_once_and_ignored(repo: Path, tmp_path: Path):
    (repo / "m.py").write_text("m = 1\n")
    git(repo, "add", "m.py")
    git(repo, "commit", "-q", "-m", "m")
    git(repo, "notes", "--ref=ai", "add", "-m", "m.py\n  zz 1-x\n---\n{}", "HEAD")
    out = tracemark("blame", "m.py", "--json", cwd=repo)
    assert out.returncode == 0
    assert out.stderr.count("git-ai note on") == 1 and "ignored" in out.stderr
    assert json.loads(out.stdout)["lines"][0]["kind"] == "unknown"


def test_parse_log_routes_keys_by_prefix_and_checks_the_format():
    log = parse_log(NOTE.replace("BASE", "0" * 40))
    main = log.lines_of("src/main.py")
    assert sorted(main) == [1, 2, 3, 4, 6, 7, 9]
    assert main[6].kind is OriginKind.HUMAN and main[6].author == "Developer <dev@example.com>"
    assert main[1].session == "6ef2299e-a67f"
    assert log.lines_of("src/other file.py")[1].tool == "cursor"
    with pytest.raises(NoteError, match="authorship/3"):
        parse_log(NOTE.replace("authorship/3.0.0", "authorship/2.0.0"))
    with pytest.raises(NoteError, match="bad line range"):
        parse_log(NOTE.replace(" 1-4\n", " 4-1\n"))
    with pytest.raises(NoteError, match="'---'"):
        parse_log("src/main.py\n  abcd1234abcd1234 1\n")
