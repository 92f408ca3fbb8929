"""The generic before/after-edit JSON: for any tool without a dedicated hook format.

Documented in ``docs/agents.md``. A tool sends ``before-edit`` just before it writes (tracemark
keeps the files' text) and ``after-edit`` just after (tracemark compares, and records the lines
the tool wrote)::

    {"schema": "tracemark/agent-hook/v1",          optional; if present, must be this
     "event": "before-edit" | "after-edit",
     "tool": "aider", "model": "gpt-4.1", "session": "abc",   tool required
     "cwd": "/path/in/the/repo",                   optional; default: the hook's directory
     "files": [{"path": "src/app.py",              absolute, or relative to cwd
                "content": "...",                  optional: the whole text the tool wrote
                "edits": [{"old": "...", "new": "...", "replace_all": false}],   optional
                "lines": [{"start": 3, "end": 7}]}]}   optional: lines it wrote (1-based)

Every per-file field is optional: with only ``path``, the lines that changed between the two
events are the tool's.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tracemark.capture.agents.events import AgentEvent, FileChange, LineRange, StrEdit

SCHEMA = "tracemark/agent-hook/v1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GenericEdit(_Strict):
    old: str
    new: str
    replace_all: bool = False


class GenericFile(_Strict):
    path: str = Field(min_length=1)
    content: str | None = None
    edits: list[GenericEdit] = Field(default_factory=list)
    lines: list[LineRange] = Field(default_factory=list)


class GenericPayload(_Strict):
    schema_: Literal["tracemark/agent-hook/v1"] | None = Field(default=None, alias="schema")
    event: Literal["before-edit", "after-edit"]
    tool: str = Field(min_length=1)
    model: str | None = None
    session: str | None = None
    cwd: str | None = None
    files: list[GenericFile] = Field(min_length=1)


def parse(payload: dict[str, Any]) -> AgentEvent | None:
    """The event of an ``after-edit`` payload (``None`` for ``before-edit``)."""
    p = GenericPayload.model_validate(payload)
    if p.event != "after-edit":
        return None
    return AgentEvent(
        tool=p.tool, model=p.model, session=p.session, source="hook:generic",
        changes=[FileChange(path=f.path, content=f.content, lines=f.lines, edits=[
            StrEdit(old=e.old, new=e.new, replace_all=e.replace_all) for e in f.edits])
            for f in p.files],
    )
