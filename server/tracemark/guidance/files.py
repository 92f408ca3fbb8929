"""The files AI tools read, and the section of them that tracemark owns.

| tool (``Assisted-by`` name contains) | file |
|---|---|
| ``copilot`` | ``.github/copilot-instructions.md`` |
| ``claude`` | ``CLAUDE.md`` |
| ``cursor`` | ``.cursor/rules/tracemark.mdc`` (a Cursor project rule, with its front matter) |
| anything else (codex, aider, ``unknown``...) | ``AGENTS.md`` (the cross-tool convention) |

A file is a target when it exists (for Cursor: when ``.cursor/`` or ``.cursorrules`` exists)
or when a tool that reads it appears in the range's ``Assisted-by`` trailers. tracemark writes
only between its two markers, and leaves every other byte of the file as it was; a file it
creates holds only that section (and, for Cursor, the rule's front matter).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracemark.errors import InputError

START = "<!-- tracemark:guidance:start -->"
END = "<!-- tracemark:guidance:end -->"

COPILOT = ".github/copilot-instructions.md"
CLAUDE = "CLAUDE.md"
AGENTS = "AGENTS.md"
CURSOR = ".cursor/rules/tracemark.mdc"
#: In the order they are written and shown.
FILES = (COPILOT, CLAUDE, AGENTS, CURSOR)

#: Front matter of a Cursor rule file tracemark creates: applied to every request (the section
#: is short), with no globs. Kept as the user leaves it once the file exists.
CURSOR_FRONT_MATTER = (
    "---\n"
    "description: Security guidance from tracemark - insecure patterns AI tools produced in "
    "this repository, and what to write instead\n"
    "globs:\n"
    "alwaysApply: true\n"
    "---\n"
)


def file_for_tool(tool: str) -> str:
    t = tool.lower()
    if "copilot" in t:
        return COPILOT
    if "claude" in t:
        return CLAUDE
    if "cursor" in t:
        return CURSOR
    return AGENTS


@dataclass(frozen=True)
class Target:
    path: str
    #: Why it is written: ``exists`` or ``tool seen: NAME``.
    reason: str


def targets(root: Path, tools: list[str]) -> list[Target]:
    """The files to keep up to date, for the ``tools`` seen in the range."""
    reasons: dict[str, str] = {}
    for path in FILES:
        if (root / path).is_file():
            reasons[path] = "exists"
    if CURSOR not in reasons and ((root / ".cursor").is_dir() or (root / ".cursorrules").exists()):
        reasons[CURSOR] = "exists (.cursor)"
    for tool in sorted(set(tools)):
        reasons.setdefault(file_for_tool(tool), f"tool seen: {tool}")
    return [Target(p, reasons[p]) for p in FILES if p in reasons]


def _find(text: str, path: str) -> tuple[int, int] | None:
    """``(start, end)`` offsets of the owned section, markers included; ``None`` if absent."""
    starts, ends = text.count(START), text.count(END)
    if starts == 0 and ends == 0:
        return None
    a = text.find(START)
    b = text.find(END)
    if starts != 1 or ends != 1 or b < a:
        line = text[:a if a >= 0 else b].count("\n") + 1
        raise InputError(f"{path}:{line}: tracemark's guidance markers are unbalanced "
                         f"({starts} start, {ends} end): fix or remove them, then run again")
    return a, b + len(END)


def replace_section(text: str | None, section: str | None, path: str) -> str | None:
    """``text`` with the owned section set to ``section`` (``None``: removed).

    Returns the new file content; ``None`` when the file should not exist (it would hold
    nothing but what tracemark put there).
    """
    body = f"{START}\n{section.strip()}\n{END}\n" if section is not None else None
    if text is None:
        if body is None:
            return None
        return (CURSOR_FRONT_MATTER + "\n" if path == CURSOR else "") + body
    where = _find(text, path)
    if where is None:
        if body is None:
            return text
        sep = "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n")
                                                           else "\n\n")
        return text + sep + body
    a, b = where
    tail = text[b:]
    if tail.startswith("\n"):
        tail = tail[1:]
    if body is not None:
        return text[:a] + body + tail
    head = text[:a]
    if head.endswith("\n\n"):
        head = head[:-1]  # the blank line put before the section when it was added
    new = head + tail
    left = new.replace(CURSOR_FRONT_MATTER, "", 1) if path == CURSOR else new
    return None if not left.strip() else new
