"""Installing tracemark's git hooks next to whatever hooks a repository already has.

The hooks go where git actually runs hooks from: ``git rev-parse --git-path hooks`` honours
``core.hooksPath`` (husky, shared hook folders) and worktrees. A hook already there (the
pre-commit framework's, husky's, a hand-written one) is renamed ``HOOK.tracemark-chained`` and
run first by tracemark's script, with the same arguments and input; its failure still stops
the commit as before. Uninstalling puts it back byte for byte.

tracemark's scripts are small POSIX shell that run this Python: a missing interpreter (the
virtualenv was deleted) or a crash warns and lets the commit through, since a provenance hook
must never cost anyone a commit.
"""

from __future__ import annotations

import os
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from tracemark.errors import InputError
from tracemark.gitutil import Repo, git

HOOKS = ("prepare-commit-msg", "commit-msg", "post-commit", "post-rewrite")
MARKER = "# tracemark-hook v1"
CHAINED = ".tracemark-chained"

_SCRIPT = """#!/bin/sh
{marker}: installed by `tracemark hooks install`; `tracemark hooks uninstall` removes it.
# A hook that was here before runs first (kept as {hook}{chained}, restored on uninstall).
hook={hook}
chained="$(dirname "$0")/$hook{chained}"
{stdin_save}if [ -x "$chained" ]; then
  {stdin_feed}"$chained" "$@" || exit $?
fi
py={python}
if [ ! -x "$py" ]; then
  echo "tracemark: $py is missing; $hook skipped (run: tracemark hooks install)" >&2
  exit 0
fi
export TRACEMARK_GIT_PID=$PPID PYDANTIC_DISABLE_PLUGINS=__all__
{stdin_feed}"$py" -m tracemark.attest.hook "$hook" "$@"
rc=$?
[ $rc -eq 0 ] && exit 0
[ $rc -eq 10 ] && exit 1
echo "tracemark: $hook hook failed (exit $rc); git goes on without it" >&2
exit 0
"""


def script(hook: str, python: str | None = None) -> str:
    """The hook script for ``hook``."""
    py = python or sys.executable
    reads_stdin = hook == "post-rewrite"
    return _SCRIPT.format(
        marker=MARKER, hook=hook, chained=CHAINED, python=shlex.quote(py),
        stdin_save='input=$(cat; echo x)\ninput=${input%x}\n' if reads_stdin else "",
        stdin_feed='printf %s "$input" | ' if reads_stdin else "",
    )


def hooks_dir(repo: Repo) -> Path:
    """The folder git runs hooks from (``core.hooksPath`` when set)."""
    out = git(["rev-parse", "--git-path", "hooks"], repo.root).stdout.decode().strip()
    p = Path(out)
    return p if p.is_absolute() else (repo.root / p)


def is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return MARKER.encode() in fh.read(512)
    except OSError:
        return False


@dataclass
class HookState:
    name: str
    path: Path
    #: ``installed``, ``missing``, ``foreign`` (someone else's hook, not chained yet), or
    #: ``stale`` (ours, but it runs a Python that no longer exists).
    state: str
    chained: Path | None = None

    def describe(self) -> str:
        what = {"installed": "installed", "missing": "not installed",
                "foreign": "not installed (another hook is there; install will chain it)",
                "stale": "installed, but its Python is gone (run install again)"}[self.state]
        if self.chained is not None:
            what += f", chains {self.chained.name}"
        return f"{self.name:<19} {what}"


def status(repo: Repo) -> list[HookState]:
    d = hooks_dir(repo)
    out = []
    for name in HOOKS:
        path = d / name
        chained = d / f"{name}{CHAINED}"
        ch = chained if chained.exists() or chained.is_symlink() else None
        if not path.exists():
            out.append(HookState(name, path, "missing", ch))
        elif is_ours(path):
            text = path.read_text(errors="replace")
            py = next((ln.split("=", 1)[1] for ln in text.splitlines() if ln.startswith("py=")),
                      "")
            py = shlex.split(py)[0] if py else ""
            out.append(HookState(name, path, "installed" if os.access(py, os.X_OK) else "stale",
                                 ch))
        else:
            out.append(HookState(name, path, "foreign", ch))
    return out


def install(repo: Repo, python: str | None = None) -> list[str]:
    """Install (or refresh) every hook, chaining existing ones; returns what was done."""
    d = hooks_dir(repo)
    d.mkdir(parents=True, exist_ok=True)
    states = status(repo)
    for st in states:  # check everything before changing anything
        if st.state == "foreign" and st.chained is not None:
            raise InputError(f"{st.path} is not tracemark's and {st.chained.name} already "
                             "exists: move one of them away, then install again")
    done = []
    for st in states:
        if st.state == "foreign":
            os.replace(st.path, st.path.with_name(st.name + CHAINED))
            done.append(f"{st.name}: installed, chaining the existing hook "
                        f"({st.name}{CHAINED})")
        else:
            done.append(f"{st.name}: {'refreshed' if st.state != 'missing' else 'installed'}")
        tmp = st.path.with_name(f".{st.name}.tracemark-tmp")
        tmp.write_text(script(st.name, python))
        tmp.chmod(tmp.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        os.replace(tmp, st.path)
    return done


def uninstall(repo: Repo) -> list[str]:
    """Remove tracemark's hooks and put chained ones back."""
    done = []
    for st in status(repo):
        if st.state in ("installed", "stale"):
            st.path.unlink()
            if st.chained is not None:
                os.replace(st.chained, st.path)
                done.append(f"{st.name}: removed, the previous hook restored")
            else:
                done.append(f"{st.name}: removed")
        elif st.state == "foreign" and st.chained is not None:
            done.append(f"{st.name}: left alone (not tracemark's); {st.chained.name} remains")
    return done
