"""Issue 7: the record maps the ledger's spans onto the STAGED blob (``git add -p`` is right).

The ledger's spans are anchored to the working-tree text; the staged blob lacks some of its
hunks, so every line number differs. The record must attest exactly the AI lines that are
staged, at their staged positions, and nothing that stays in the working tree.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from attest_support import ai_spans, commit, mark, message, verify, write

from tracemark.model import CommitStatus

from support import git

BASE = "".join(f"line_{i} = {i}\n" for i in range(1, 31))


def _add_p(root: Path, answers: str) -> None:
    proc = subprocess.run(["git", "add", "-p"], cwd=root, input=answers, text=True,
                          capture_output=True, env={**os.environ, "GIT_PAGER": "cat"})
    assert proc.returncode == 0, proc.stderr


def test_git_add_p_attests_only_the_staged_ai_hunk_at_staged_lines(arepo: Path):
    write(arepo, "calc.py", BASE)
    git(arepo, "add", "calc.py")
    commit(arepo, "-m", "base")
    lines = BASE.splitlines(keepends=True)
    top = ["# a human comment at the top\n"]
    ai_one = ["def ai_one(a, b):\n", "    total = a + b\n", "    return total * 2\n"]
    ai_two = ["def ai_two(s):\n", "    return s[::-1]\n"]
    text = "".join(top + lines[:12] + ai_one + lines[12:27] + ai_two + lines[27:])
    write(arepo, "calc.py", text)
    # Working-tree numbering: ai_one at 14-16, ai_two at 32-33.
    mark(arepo, "calc.py", "14-16", "claude-code", "claude-sonnet-4")
    mark(arepo, "calc.py", "32-33", "copilot", "gpt-4.1")
    _add_p(arepo, "n\ny\nn\n")  # skip the top comment, stage ai_one, skip ai_two
    staged = git(arepo, "show", ":calc.py").splitlines()
    assert staged[12:15] == [s.rstrip("\n") for s in ai_one]  # staged lines 13-15
    commit(arepo, "-m", "ai_one only")
    result = verify(arepo)
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert ai_spans(result) == [("calc.py", 13, 15, "claude-code", "claude-sonnet-4")]
    assert "copilot" not in message(arepo)  # ai_two is not in this commit
    rec = result.records[0].record
    assert rec.files[0].added == 3

    # The rest: the human comment and ai_two (now at its working-tree lines).
    git(arepo, "add", "calc.py")
    commit(arepo, "-m", "the rest")
    result = verify(arepo)
    assert ai_spans(result) == [("calc.py", 32, 33, "copilot", "gpt-4.1")]
    assert result.records[0].record.files[0].added == 3  # comment + 2 AI lines


def test_ai_lines_edited_after_staging_are_attested_as_staged(arepo: Path):
    """The working tree moved on after ``git add``: the staged content is what is attested."""
    write(arepo, "m.py", "def f():\n    return 1\n")
    mark(arepo, "m.py", "1-2", "cursor", None)
    git(arepo, "add", "m.py")
    write(arepo, "m.py", "def f():\n    return 42  # edited, not staged\n")
    commit(arepo, "-m", "staged version")
    result = verify(arepo)
    assert ai_spans(result) == [("m.py", 1, 2, "cursor", None)]
    assert git(arepo, "show", "HEAD:m.py") == "def f():\n    return 1\n"
    assert result.status is CommitStatus.AI_ATTESTED
