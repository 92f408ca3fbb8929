"""Issue 8: the default range in CI (GitHub pull requests and pushes, GitLab merge requests,
upstream), the progress bar for people (quiet in CI), and the batched history reader."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tracemark.errors import InputError
from tracemark.gate import progress
from tracemark.gate.history import load_commits, rev_list
from tracemark.gate.ranges import default_range

from gate_support import CLEAN, GateRepo
from support import git


def test_github_pull_request_range_from_the_event(tmp_path: Path, repo: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": "a" * 40},
                                                  "head": {"sha": "b" * 40}}}))
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": str(event)}
    r = default_range(repo, env)
    assert (r.spec, r.source) == (f"{'a' * 40}..{'b' * 40}", "github-pull-request")
    push = tmp_path / "push.json"
    push.write_text(json.dumps({"before": "0" * 40, "after": "c" * 40,
                                "repository": {"default_branch": "main"}}))
    r = default_range(repo, {**env, "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(push)})
    assert (r.spec, r.source) == (f"origin/main..{'c' * 40}", "github-push-new-branch")


def test_gitlab_and_explicit_ranges(repo: Path) -> None:
    env = {"GITLAB_CI": "true", "CI_COMMIT_SHA": "b" * 40,
           "CI_MERGE_REQUEST_DIFF_BASE_SHA": "a" * 40}
    assert default_range(repo, env).source == "gitlab-merge-request"
    assert default_range(repo, {**env, "TRACEMARK_RANGE": "x..y"}).spec == "x..y"


def test_upstream_range_or_a_clear_usage_error(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no RANGE given"):
        default_range(repo, {})
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    assert default_range(clone, {}).spec == "origin/main..HEAD"


def test_verify_without_range_in_github_actions(gate_repo: GateRepo, tmp_path: Path) -> None:
    r = gate_repo
    base = r.head("main")
    r.write("a.py", CLEAN)
    r.mark("a.py", "1-2")
    head = r.commit("ai")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}))
    out = r.verify("--format", "json", env={
        "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event), "CI": "true"})
    doc = json.loads(out.stdout)
    assert doc["range"]["source"] == "github-pull-request" and doc["summary"]["commits"] == 1


def test_progress_bar_only_for_people() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert progress.wanted(Tty(), {}) is True
    assert progress.wanted(Tty(), {"CI": "true"}) is False
    assert progress.wanted(io.StringIO(), {}) is False
    out = Tty()
    bar = progress.Bar(out)
    for i in range(1, 101):
        bar(i, 100)
    bar.close()
    assert "100/100 commits" in out.getvalue() and "\r" in out.getvalue()
    small = Tty()
    progress.Bar(small)(1, 3)
    assert small.getvalue() == ""  # short ranges finish before a bar would help


def test_progress_bar_on_a_terminal(repo: Path) -> None:
    """The real CLI under a pseudo-terminal draws the bar; with CI set it does not."""
    for i in range(progress.MIN_COMMITS + 2):
        (repo / "f.txt").write_text(f"{i}\n")
        git(repo, "add", "f.txt")
        git(repo, "commit", "-qm", f"c{i}")

    def run(env: dict[str, str]) -> str:
        main, sub = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "tracemark", "verify", "HEAD~21..HEAD",
                                 "--output", os.devnull], cwd=repo, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=sub,
                                env={k: v for k, v in {**os.environ, **env}.items() if v})
        os.close(sub)
        chunks = []
        while True:
            try:
                data = os.read(main, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=120)
        os.close(main)
        return b"".join(chunks).decode("utf-8", "replace")

    assert "21/21 commits" in run({"CI": "", "TERM": "xterm"})
    assert "commits" not in run({"CI": "true"})


def test_history_reads_a_range_in_a_fixed_number_of_git_calls(repo: Path) -> None:
    """Messages, parents and added lines for every commit, merges and the root included."""
    git(repo, "checkout", "-q", "-b", "side")
    (repo / "side.txt").write_text("s\n")
    git(repo, "add", "side.txt")
    git(repo, "commit", "-qm", "side")
    git(repo, "checkout", "-q", "main")
    (repo / "main.txt").write_text("m\n")
    git(repo, "add", "main.txt")
    git(repo, "commit", "-qm", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "side")
    commits = load_commits(repo, rev_list(repo, "HEAD"))
    assert commits[0].subject == "initial"
    root = commits[0]
    assert root.parents == [] and set(root.changes) == {"README.md"}
    merge = commits[-1]
    assert merge.is_merge and set(merge.changes) == {"side.txt"} and merge.own_lines() == {}
