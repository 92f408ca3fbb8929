"""Finding the repository a path belongs to, and running git.

Plain ``git`` subprocesses: they are what the hooks themselves run under, they honour every git
configuration (worktrees, ``core.hooksPath``, ``safe.directory``), and they start faster than
GitPython's object database for the one-shot questions asked here.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tracemark.errors import InputError

# Git must never prompt, page, or pick up a user's colour settings in our parsing.
GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat", "LC_ALL": "C"}


def git(
    args: list[str],
    cwd: str | os.PathLike[str],
    *,
    input: bytes | None = None,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git args`` in ``cwd`` and return the completed process (bytes in and out)."""
    full_env = {**os.environ, **GIT_ENV, **(env or {})}
    proc = subprocess.run(
        ["git", *args], cwd=cwd, input=input, capture_output=True, env=full_env, check=False
    )
    if check and proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {args[0]} failed: {msg[-1] if msg else proc.returncode}")
    return proc


@dataclass(frozen=True)
class Repo:
    """A git work tree: its root, its own git dir, and the common dir shared by worktrees."""

    root: Path
    git_dir: Path
    common_dir: Path

    @property
    def tracemark_dir(self) -> Path:
        """Where tracemark keeps its state: shared by every worktree of the repository."""
        return self.common_dir / "tracemark"

    def relpath(self, path: str | os.PathLike[str]) -> str:
        """The repository-relative POSIX path of ``path``; refuses paths outside the tree."""
        p = Path(path)
        if not p.is_absolute():
            p = Path.cwd() / p
        p = Path(os.path.realpath(p))
        try:
            rel = p.relative_to(os.path.realpath(self.root))
        except ValueError:
            raise InputError(f"{path}: outside the repository at {self.root}") from None
        if rel.parts and rel.parts[0] == ".git":
            raise InputError(f"{path}: inside the .git directory")
        return rel.as_posix()

    def abspath(self, rel: str) -> Path:
        return self.root / rel


def find_repo(start: str | os.PathLike[str] = ".") -> Repo:
    """The repository containing ``start`` (a file or folder); ``InputError`` when there is none."""
    p = Path(start)
    if not p.is_absolute():
        p = Path.cwd() / p
    here = p if p.is_dir() else p.parent
    while not here.exists() and here != here.parent:
        here = here.parent
    proc = git(
        ["rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir"],
        here,
        check=False,
    )
    if proc.returncode != 0:
        raise InputError(f"{start}: not inside a git repository")
    top, git_dir, common = proc.stdout.decode().splitlines()[:3]
    common_path = Path(common)
    if not common_path.is_absolute():
        common_path = (here / common_path).resolve()
    return Repo(Path(top), Path(git_dir), common_path)


def repo_for_file(path: str | os.PathLike[str]) -> Repo:
    """The repository a command about ``path`` works in: the current one, as git does.

    Inside a repository, a path outside it is refused (like ``git add ../elsewhere``); from
    outside any repository, the file's own repository is used.
    """
    try:
        repo = find_repo(".")
    except InputError:
        return find_repo(path)
    repo.relpath(path)  # raises "outside the repository"
    return repo
