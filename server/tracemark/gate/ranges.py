"""Which commits to verify when no RANGE is given: what CI means by "this change".

In order (the first that applies wins):

1. ``TRACEMARK_RANGE`` (any CI: set it to what ``git rev-list`` takes);
2. GitHub Actions, ``pull_request``/``pull_request_target`` events: the pull request's base and
   head commits from ``$GITHUB_EVENT_PATH`` (``BASE..HEAD``: the PR's own commits, without the
   synthetic merge commit the checkout sits on);
3. GitHub Actions ``push``: ``before..after`` from the event (a new branch: ``after`` alone is
   not a range, so the default branch is used as the base when it is known);
4. GitLab CI merge request pipelines: ``$CI_MERGE_REQUEST_DIFF_BASE_SHA..$CI_COMMIT_SHA``;
   branch pipelines: ``$CI_COMMIT_BEFORE_SHA..$CI_COMMIT_SHA``;
5. a local branch with an upstream: ``@{upstream}..HEAD`` (what a push would send).

Otherwise it is a usage error: pass a range (``origin/main..HEAD``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tracemark.errors import InputError
from tracemark.gitutil import git

_ZERO = {"0" * 40, "0" * 64}


@dataclass(frozen=True)
class Range:
    spec: str
    source: str


def _event(env: Mapping[str, str]) -> dict:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _sha(value: object) -> str | None:
    return value if isinstance(value, str) and value and value not in _ZERO else None


def default_range(root: Path, env: Mapping[str, str] | None = None) -> Range:
    """The range to verify when none is given (see the module docstring)."""
    env = os.environ if env is None else env
    explicit = env.get("TRACEMARK_RANGE", "").strip()
    if explicit:
        return Range(explicit, "TRACEMARK_RANGE")
    if env.get("GITHUB_ACTIONS") == "true":
        event = _event(env)
        name = env.get("GITHUB_EVENT_NAME", "")
        pr = event.get("pull_request")
        if name.startswith("pull_request") and isinstance(pr, dict):
            base = _sha((pr.get("base") or {}).get("sha"))
            head = _sha((pr.get("head") or {}).get("sha"))
            if base and head:
                return Range(f"{base}..{head}", "github-pull-request")
        if name == "push":
            before, after = _sha(event.get("before")), _sha(event.get("after"))
            if before and after:
                return Range(f"{before}..{after}", "github-push")
            default = (event.get("repository") or {}).get("default_branch")
            if after and isinstance(default, str) and default:
                return Range(f"origin/{default}..{after}", "github-push-new-branch")
    if env.get("GITLAB_CI") == "true":
        head = _sha(env.get("CI_COMMIT_SHA"))
        base = _sha(env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA"))
        if base and head:
            return Range(f"{base}..{head}", "gitlab-merge-request")
        before = _sha(env.get("CI_COMMIT_BEFORE_SHA"))
        if before and head:
            return Range(f"{before}..{head}", "gitlab-push")
    proc = git(["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"], root,
               check=False)
    if proc.returncode == 0 and proc.stdout.strip():
        return Range(f"{proc.stdout.decode().strip()}..HEAD", "upstream")
    raise InputError("no RANGE given and none found (no pull request in the CI environment, "
                     "no upstream branch): pass one, e.g. tracemark verify origin/main..HEAD")
