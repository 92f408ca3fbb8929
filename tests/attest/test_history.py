"""Issue 7, history: amend, rebase (reorder, drop), cherry-pick, squash and merges keep
provenance verifiable where the AI lines are unchanged, and say which lines changed otherwise.

Trailers travel in commit messages; the record is signed over content, not the commit id, and
binds to the lines each (rewritten) commit adds. All through real git with the hooks installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from attest_support import APP, ai_spans, commit, mark, message, verify, write

from tracemark.attest.trailers import parse_message
from tracemark.model import CommitStatus

from support import git

SHARED = "".join(f"value_{i} = {i}\n" for i in range(1, 21))


def _git(root: Path, *args: str, env: dict[str, str] | None = None, check: bool = True
         ) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(["git", *args], cwd=root, text=True, capture_output=True,
                          env={**os.environ, "GIT_EDITOR": "true", **(env or {})})
    if check:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def _todo_editor(tmp_path: Path, program: str) -> dict[str, str]:
    """GIT_SEQUENCE_EDITOR running ``program`` (Python) on the todo list ``lines``."""
    script = tmp_path / "todo.py"
    script.write_text(
        "import sys\np = sys.argv[1]\n"
        "lines = [l for l in open(p).read().splitlines() if l and not l.startswith('#')]\n"
        f"{program}\n"
        "open(p, 'w').write('\\n'.join(lines) + '\\n')\n")
    return {"GIT_SEQUENCE_EDITOR": f"{sys.executable} {script}"}


def _ai_commit(root: Path, path: str, text: str, lines: str, tool: str, msg: str) -> str:
    write(root, path, text)
    mark(root, path, lines, tool, None)
    git(root, "add", path)
    commit(root, "-m", msg)
    return git(root, "rev-parse", "HEAD").strip()


# -- amend ----------------------------------------------------------------------------------


def test_amend_adding_ai_lines_keeps_the_old_record_and_adds_one(arepo: Path):
    _ai_commit(arepo, "app.py", APP, "8-10", "copilot", "app")
    with (arepo / "app.py").open("a") as fh:
        fh.write("def more():\n    return 2\n")
    mark(arepo, "app.py", "13-14", "cursor", None)
    commit(arepo, "-a", "--amend", "--no-edit")
    result = verify(arepo)
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert ai_spans(result) == [("app.py", 8, 10, "copilot", None),
                                ("app.py", 13, 14, "cursor", None)]
    assert len(result.records) == 2
    assert sorted(result.assisted_by) == ["copilot", "cursor"]


def test_amend_with_a_new_message_m_still_compares_with_the_parent(arepo: Path):
    """``--amend -m`` makes prepare-commit-msg say ``message``, not ``commit HEAD``."""
    _ai_commit(arepo, "app.py", APP, "8-10", "copilot", "app")
    commit(arepo, "--amend", "-m", "app, reworded")
    result = verify(arepo)
    assert message(arepo).startswith("app, reworded\n\nAssisted-by: copilot")
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert ai_spans(result) == [("app.py", 8, 10, "copilot", None)]
    # The same through a git worktree (its own git dir, the common hooks).
    wt = arepo.parent / "wt"
    git(arepo, "worktree", "add", "-q", "-b", "wt", str(wt))
    write(wt, "w.py", "def w():\n    return 3\n")
    mark(wt, "w.py", "1-2", "cursor", None)
    git(wt, "add", "w.py")
    commit(wt, "-m", "in a worktree")
    commit(wt, "--amen", "-m", "in a worktree, amended")  # git takes abbreviations
    assert ai_spans(verify(wt)) == [("w.py", 1, 2, "cursor", None)]


def test_amend_without_changes_does_not_duplicate_the_record(arepo: Path):
    _ai_commit(arepo, "app.py", APP, "8-10", "copilot", "app")
    before = message(arepo)
    commit(arepo, "--amend", "--no-edit")
    assert message(arepo) == before
    assert len(verify(arepo).records) == 1


def test_amend_of_a_human_commit_with_more_human_lines_stays_human_attested(arepo: Path):
    write(arepo, "notes.txt", "one\n")
    git(arepo, "add", "notes.txt")
    commit(arepo, "-m", "notes")
    write(arepo, "notes.txt", "one\ntwo\n")
    commit(arepo, "-a", "--amend", "--no-edit")
    result = verify(arepo)
    assert result.status is CommitStatus.HUMAN_ATTESTED, result.reasons
    assert len(result.records) == 1 and not result.notes


def test_amend_that_edits_an_ai_line_re_attests_from_the_ledger(arepo: Path):
    _ai_commit(arepo, "app.py", APP, "8-10", "copilot", "app")
    write(arepo, "app.py", APP.replace("    data = open(path).read()",
                                       "    data = open(path, encoding='utf-8').read()"))
    commit(arepo, "-a", "--amend", "--no-edit")
    result = verify(arepo)
    # The stale record was replaced (the ledger knows the file): line 9 is no longer AI.
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert ai_spans(result) == [("app.py", 8, 8, "copilot", None),
                                ("app.py", 10, 10, "copilot", None)]
    assert len(result.records) == 1


# -- rebase ---------------------------------------------------------------------------------


def _three_commits(root: Path) -> tuple[str, str, str]:
    """A: AI block near the bottom of shared.py; B: human lines at its top; C: AI other.py."""
    write(root, "shared.py", SHARED)
    git(root, "add", "shared.py")
    commit(root, "--no-verify", "-m", "shared")
    lines = SHARED.splitlines(keepends=True)
    block = ["def ai_block():\n", "    return sum(range(10))\n"]
    a = _ai_commit(root, "shared.py", "".join([*lines[:15], *block, *lines[15:]]), "16-17",
                   "claude-code", "A: ai block")
    b_text = "# header one\n# header two\n" + (root / "shared.py").read_text()
    write(root, "shared.py", b_text)
    git(root, "add", "shared.py")
    commit(root, "-m", "B: human header")
    b = git(root, "rev-parse", "HEAD").strip()
    c = _ai_commit(root, "other.py", "def other():\n    return 'ai'\n", "1-2", "cursor",
                   "C: other")
    return a, b, c


def _by_subject(root: Path, n: int) -> dict[str, str]:
    out = git(root, "log", f"-{n}", "--format=%H %s").splitlines()
    return {line.split(" ", 1)[1]: line.split(" ", 1)[0] for line in out}


def test_interactive_rebase_reorder_keeps_every_commit_verifiable(arepo: Path, tmp_path: Path):
    a, _b, _c = _three_commits(arepo)
    assert ai_spans(verify(arepo, a)) == [("shared.py", 16, 17, "claude-code", None)]
    env = _todo_editor(tmp_path, "lines.reverse()")
    _git(arepo, "rebase", "-i", "HEAD~3", env=env)
    commits = _by_subject(arepo, 3)
    assert git(arepo, "log", "-3", "--format=%s").splitlines() == [
        "A: ai block", "B: human header", "C: other"]
    new_a = verify(arepo, commits["A: ai block"])
    # A now applies after B's two header lines: same content, two lines further down.
    assert new_a.status is CommitStatus.AI_ATTESTED, new_a.reasons
    assert ai_spans(new_a) == [("shared.py", 18, 19, "claude-code", None)]
    assert commits["A: ai block"] != a
    assert verify(arepo, commits["C: other"]).status is CommitStatus.AI_ATTESTED
    assert verify(arepo, commits["B: human header"]).status is CommitStatus.HUMAN_ATTESTED
    # The gate's view: the whole range, oldest first.
    from tracemark.attest import verify_range

    assert [v.status for v in verify_range(arepo, "HEAD~3..HEAD")] == [
        CommitStatus.AI_ATTESTED, CommitStatus.HUMAN_ATTESTED, CommitStatus.AI_ATTESTED]


def test_interactive_rebase_drop_keeps_the_rest_verifiable(arepo: Path, tmp_path: Path):
    _three_commits(arepo)
    env = _todo_editor(tmp_path, "lines = [l for l in lines if 'B: human' not in l]")
    _git(arepo, "rebase", "-i", "HEAD~3", env=env)
    commits = _by_subject(arepo, 2)
    assert set(commits) == {"A: ai block", "C: other"}
    for sha in commits.values():
        assert verify(arepo, sha).status is CommitStatus.AI_ATTESTED


def test_rebase_squash_holds_several_records_and_verifies_each(arepo: Path, tmp_path: Path):
    _ai_commit(arepo, "one.py", "def one():\n    return 1\n", "1-2", "copilot", "one")
    _ai_commit(arepo, "two.py", "def two():\n    return 2\n", "1-2", "cursor", "two")
    env = _todo_editor(tmp_path, "lines[1] = lines[1].replace('pick', 'squash', 1)")
    _git(arepo, "rebase", "-i", "HEAD~2", env=env)
    result = verify(arepo)
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert len(result.records) == 2
    assert all(r.status is CommitStatus.AI_ATTESTED for r in result.records)
    assert ai_spans(result) == [("one.py", 1, 2, "copilot", None),
                                ("two.py", 1, 2, "cursor", None)]


def test_rebase_fixup_attests_the_fixup_lines_from_the_ledger(arepo: Path, tmp_path: Path):
    """A fixup's message (and record) is discarded by git; its AI lines are re-attested."""
    _ai_commit(arepo, "one.py", "def one():\n    return 1\n", "1-2", "copilot", "one")
    _ai_commit(arepo, "two.py", "def two():\n    return 2\n", "1-2", "cursor", "two")
    env = _todo_editor(tmp_path, "lines[1] = lines[1].replace('pick', 'fixup', 1)")
    _git(arepo, "rebase", "-i", "HEAD~2", env=env)
    result = verify(arepo)
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert ai_spans(result) == [("one.py", 1, 2, "copilot", None),
                                ("two.py", 1, 2, "cursor", None)]


def test_ai_line_changed_during_rebase_is_reported_with_which_line(arepo: Path,
                                                                 tmp_path: Path):
    """``edit`` + ``commit --amend --no-verify`` keeps the old trailers over changed lines."""
    _ai_commit(arepo, "app.py", APP, "8-10", "copilot", "app")
    write(arepo, "z.txt", "later\n")
    git(arepo, "add", "z.txt")
    commit(arepo, "-m", "later")
    env = _todo_editor(tmp_path, "lines[0] = lines[0].replace('pick', 'edit', 1)")
    _git(arepo, "rebase", "-i", "HEAD~2", env=env)
    write(arepo, "app.py", APP.replace("return data.upper()", "return data.lower()"))
    _git(arepo, "commit", "-a", "--amend", "--no-edit", "--no-verify")
    done = _git(arepo, "rebase", "--continue")
    sha = _by_subject(arepo, 2)["app"]
    result = verify(arepo, sha)
    assert result.status is CommitStatus.LINES_CHANGED, result.reasons
    assert [(c.path, c.lines) for c in result.changed] == [("app.py", [10])]
    assert "app.py lines 10" in result.reasons[0]
    # post-rewrite told the user right away.
    assert f"{sha[:12]} no longer matches its provenance record" in done.stderr


# -- cherry-pick, squash merge, merge commits -----------------------------------------------


def _side_branch(root: Path) -> None:
    write(root, "shared.py", SHARED)
    git(root, "add", "shared.py")
    commit(root, "--no-verify", "-m", "shared")
    git(root, "checkout", "-q", "-b", "side")
    lines = SHARED.splitlines(keepends=True)
    block = ["def side_ai():\n", "    return 7\n"]
    _ai_commit(root, "shared.py", "".join([*lines[:10], *block, *lines[10:]]), "11-12",
               "copilot", "side: ai")
    _ai_commit(root, "extra.py", "def extra():\n    pass\n", "1-2", "cursor", "side: extra")
    git(root, "checkout", "-q", "main")
    write(root, "shared.py", "# main's header\n" + SHARED)
    git(root, "add", "shared.py")
    commit(root, "-m", "main: header")


def test_cherry_pick_onto_shifted_content_verifies(arepo: Path):
    _side_branch(arepo)
    _git(arepo, "cherry-pick", "-x", "side~1")
    result = verify(arepo)
    assert "(cherry picked from commit" in message(arepo)
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert ai_spans(result) == [("shared.py", 12, 13, "copilot", None)]


def test_squash_merge_verifies_each_carried_record(arepo: Path):
    _side_branch(arepo)
    _git(arepo, "merge", "--squash", "side")
    commit(arepo, "--no-edit")
    msg = message(arepo)
    assert "    Tracemark-Record: v1 j" in msg  # git indents the squashed messages
    result = verify(arepo)
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert len(result.records) == 2
    assert ai_spans(result) == [("extra.py", 1, 2, "cursor", None),
                                ("shared.py", 12, 13, "copilot", None)]


def test_merge_commit_attests_only_its_own_new_lines(arepo: Path):
    _side_branch(arepo)
    _git(arepo, "merge", "--no-ff", "-m", "merge side", "side")
    merge = verify(arepo)
    # Merged lines carry their own commits' records; the merge adds none of its own.
    assert merge.status is CommitStatus.HUMAN_ATTESTED, merge.reasons
    assert not merge.ai_lines
    assert len(git(arepo, "rev-list", "--parents", "-1", "HEAD").split()) == 3
    assert verify(arepo, "HEAD^2").status is CommitStatus.AI_ATTESTED


def test_conflicted_merge_attests_ai_lines_of_the_resolution(arepo: Path):
    write(arepo, "conf.py", "x = 1\n")
    git(arepo, "add", "conf.py")
    commit(arepo, "--no-verify", "-m", "conf")
    git(arepo, "checkout", "-q", "-b", "side")
    _ai_commit(arepo, "conf.py", "x = 2\n", "1", "copilot", "side: x=2")
    git(arepo, "checkout", "-q", "main")
    write(arepo, "conf.py", "x = 3\n")
    git(arepo, "add", "conf.py")
    commit(arepo, "-m", "main: x=3")
    assert _git(arepo, "merge", "side", check=False).returncode != 0
    write(arepo, "conf.py", "def resolved(a, b):\n    return max(a, b)\nx = resolved(2, 3)\n")
    mark(arepo, "conf.py", "1-2", "claude-code", None)
    git(arepo, "add", "conf.py")
    commit(arepo, "--no-edit")
    result = verify(arepo)
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert ai_spans(result) == [("conf.py", 1, 2, "claude-code", None)]
    assert len(parse_message(message(arepo)).records) == 1
