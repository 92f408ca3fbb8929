"""Issue 9, interoperability: ``tracemark stats`` reads git-ai notes (refs/notes/ai) as a
second source: lines a note attests as AI, which no tracemark trailer covers, count as AI."""

from __future__ import annotations

import json
from pathlib import Path

from support import git, tracemark


def note(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "note.txt"
    p.write_text(text)
    return p


def test_stats_counts_lines_a_git_ai_note_attests_in_an_unattested_commit(repo: Path,
                                                                          tmp_path: Path):
    (repo / "svc.py").write_text("".join(f"s{i} = {i}\n" for i in range(6)))
    git(repo, "add", "svc.py")
    git(repo, "commit", "-q", "-m", "service")
    meta = {"schema_version": "authorship/3.0.0", "base_commit_sha": "x", "prompts": {},
            "humans": {"h_31dce776f88375": {"author": "Dev <dev@example.com>"}},
            "sessions": {"s_c9883b05a2487d": {"agent_id": {
                "tool": "cursor", "id": "conv-1", "model": "gpt-5"}}}}
    text = ("svc.py\n  s_c9883b05a2487d::t_9f8e7d6c5b4a32 2-4\n  h_31dce776f88375 5\n---\n"
            + json.dumps(meta))
    git(repo, "notes", "--ref=ai", "add", "-F", str(note(tmp_path, text)), "HEAD")
    out = tracemark("stats", "--json", "HEAD~1..HEAD", cwd=repo)
    assert out.returncode == 0, out.stderr
    [commit] = json.loads(out.stdout)["commits"]
    assert commit["status"] == "unattested"  # no tracemark record: the note does not change that
    assert commit["lines"] == {"added": 6, "ai": 3, "ai_modified": 0, "reviewed": 0,
                               "human": 0, "unattested": 3}
    assert commit["by_tool"] == [{"tool": "cursor", "model": "gpt-5", "ai": 3,
                                  "ai_modified": 0, "reviewed": 0}]
    assert git(repo, "notes", "--ref=ai", "list").count("\n") == 1  # read, never written


def test_stats_without_git_ai_notes_is_unchanged(repo: Path):
    (repo / "a.py").write_text("a = 1\n")
    git(repo, "add", "a.py")
    git(repo, "commit", "-q", "-m", "a")
    [commit] = json.loads(tracemark("stats", "--json", "HEAD~1..HEAD", cwd=repo).stdout)[
        "commits"]
    assert commit["lines"]["unattested"] == 1 and commit["lines"]["ai"] == 0
