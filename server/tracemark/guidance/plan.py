"""What ``tracemark guidance`` would change in each file, as a diff, and writing it.

Every file's new content is computed before anything is written, so a file with broken
markers or that cannot be read stops the command with nothing changed. When there is nothing
to say (no finding recurs in the range), the section is removed from the files that have it
(a file that held nothing else is deleted) and no file is created: the section always
describes the range it was computed from.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracemark.errors import InputError
from tracemark.guidance.advice import Group
from tracemark.guidance.files import Target, replace_section, targets

SCHEMA = "tracemark/guidance/v1"


def _tools(mapping: dict[str, int]) -> str:
    return ", ".join(f"{n} by {tool}" for tool, n in mapping.items())


def _lower_first(text: str) -> str:
    """``Use x`` → ``use x``; ``SHA-256 ...`` and ``OpenTelemetry`` stay as they are."""
    word = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if word[1:].isalpha() and word[1:].islower() else text


def render_section(groups: list[Group], spec: str) -> str | None:
    """The Markdown inside the markers; ``None`` when there is nothing to say."""
    if not groups:
        return None
    out = ["## Security guidance from tracemark", "",
           "Insecure patterns that AI-written code in this repository repeated (tracemark's "
           f"findings on AI lines, range `{spec}`), most frequent first. When you write code "
           "here, do not repeat them:"]
    for g in groups:
        out += ["", f"### {g.title} ({g.count} finding{'s' * (g.count != 1)})"]
        for i in g.instructions:
            why = ", ".join(i.rules + i.cwe)
            do = f" Instead: {_lower_first(i.do)}" if i.do else ""
            out.append(f"- {i.avoid}.{do} ({why}; {_tools(i.tools)})")
    out += ["", "_Written by `tracemark guidance --write`, which rewrites everything between "
            "the tracemark markers; edit outside them._"]
    return "\n".join(out)


@dataclass
class Change:
    target: Target
    old: str | None
    new: str | None

    @property
    def action(self) -> str:
        if self.old == self.new:
            return "unchanged"
        if self.old is None:
            return "create"
        return "delete" if self.new is None else "update"

    def diff(self) -> str:
        path = self.target.path
        return "".join(difflib.unified_diff(
            (self.old or "").splitlines(keepends=True), (self.new or "").splitlines(keepends=True),
            "/dev/null" if self.old is None else f"a/{path}",
            "/dev/null" if self.new is None else f"b/{path}"))

    def json(self) -> dict[str, Any]:
        return {"path": self.target.path, "reason": self.target.reason, "action": self.action}


def _read(root: Path, path: str) -> str | None:
    file = root / path
    if not file.exists():
        return None
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        why = err.strerror if isinstance(err, OSError) else "not UTF-8 text"
        raise InputError(f"{path}: cannot read it: {why or err}") from None


def tools_seen(doc: dict[str, Any]) -> list[str]:
    """Tool names from the range's ``Assisted-by`` trailers and AI lines."""
    labels = list(doc["summary"]["assisted_by"]) + [t["label"] for t in doc["tools"]]
    return sorted({lab.split(":", 1)[0] for lab in labels if lab})


def plan(root: Path, doc: dict[str, Any], groups: list[Group]) -> list[Change]:
    section = render_section(groups, doc["range"]["spec"])
    changes = []
    for t in targets(root, tools_seen(doc)):
        old = _read(root, t.path)
        if old is None and section is None:
            continue
        changes.append(Change(t, old, replace_section(old, section, t.path)))
    return changes


def write(root: Path, changes: list[Change]) -> list[Change]:
    """Apply the changes; returns those that changed a file."""
    done = []
    for c in changes:
        if c.action == "unchanged":
            continue
        file = root / c.target.path
        try:
            if c.new is None:
                file.unlink()
            else:
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_text(c.new, encoding="utf-8")
        except OSError as err:
            raise InputError(f"{c.target.path}: cannot write it: {err.strerror or err}") from None
        done.append(c)
    return done
