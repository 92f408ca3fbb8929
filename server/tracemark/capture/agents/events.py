"""The one shape every tool's payload is turned into: who wrote, and what, to which files.

Each tool module (``claude``, ``cursor``, ``copilot``, ``generic``) validates its own payload
schema and returns an :class:`AgentEvent`; :mod:`.attribute` and :mod:`.recorder` never look at
a tool's raw payload.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StrEdit(_Frozen):
    """Replace ``old`` with ``new``: the first occurrence, or all of them."""

    old: str
    new: str
    replace_all: bool = False


class Hunk(_Frozen):
    """A unified-diff hunk as the tool computed it: ``lines`` carry ``' '``/``-``/``+``."""

    new_start: int = Field(ge=0)  # 1-based line of the hunk in the new text (0: empty file)
    lines: list[str]


class LineRange(_Frozen):
    """Lines ``start..end`` (1-based, inclusive) of the file after the edit."""

    start: int = Field(ge=1)
    end: int = Field(ge=1)


class FileChange(_Frozen):
    """What a tool says it did to one file. Every part is optional; the more, the more exact.

    ``path`` is as the payload gives it (absolute, or relative to the event's ``cwd``).
    """

    path: str
    #: The file's whole new text, as the tool wrote it (a Write / create).
    content: str | None = None
    #: String replacements, applied in order (an Edit, MultiEdit, StrReplace ...).
    edits: list[StrEdit] = Field(default_factory=list)
    #: The tool's own diff of the file (Claude Code's ``structuredPatch``).
    hunks: list[Hunk] = Field(default_factory=list)
    #: Lines the tool declares it wrote (Cursor Tab, the generic format).
    lines: list[LineRange] = Field(default_factory=list)
    #: The file before the edit, as the tool reports it (Claude Code's ``originalFile``).
    original: str | None = None
    #: A notebook edit: the new source of the edited cell(s).
    notebook_sources: list[str] | None = None
    #: Text the tool says it wrote somewhere in the file, where exactly unknown (a patch's
    #: added lines, an edit sketch): changed lines count only when they are among these.
    fragments: list[str] = Field(default_factory=list)


class AgentEvent(_Frozen):
    """One agent step that wrote files."""

    #: ``claude-code``, ``cursor``, ``copilot``, or the generic payload's ``tool``.
    tool: str
    model: str | None = None
    session: str | None = None
    #: The capture path, for the origin's ``source``: ``hook:claude``, ``hook:cursor-tab``...
    source: str
    changes: list[FileChange]
