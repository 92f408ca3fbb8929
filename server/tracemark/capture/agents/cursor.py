"""Cursor hooks: ``preToolUse``, ``postToolUse``, ``afterFileEdit`` and ``afterTabFileEdit``.

Written from Cursor's hooks reference. Every hook gets ``conversation_id``, ``generation_id``,
``model``, ``hook_event_name``, ``cursor_version``, ``workspace_roots``, ``user_email`` and
``transcript_path``. The events used here:

``preToolUse``        ``tool_name``, ``tool_input``, ``tool_use_id``, ``cwd``: before an agent
                      tool runs; the front snapshots the file it names (the before-text).
``postToolUse``       the same plus ``tool_output``, ``duration``: ignored, because the edit
                      itself arrives as ``afterFileEdit`` with what was replaced.
``afterFileEdit``     ``file_path``, ``edits: [{old_string, new_string}]``: the agent edited.
``afterTabFileEdit``  ``file_path``, ``edits: [{old_string, new_string, range:
                      {start_line_number, start_column, end_line_number, end_column}, old_line,
                      new_line}]``: a Tab completion was accepted; ``range`` gives its lines.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tracemark.capture.agents.events import AgentEvent, FileChange, LineRange, StrEdit

TOOL = "cursor"


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class TabRange(_Open):
    start_line_number: int = Field(ge=1)
    start_column: int = 1
    end_line_number: int = Field(ge=1)
    end_column: int = 1


class Edit(_Open):
    old_string: str
    new_string: str
    range: TabRange | None = None
    old_line: str | None = None
    new_line: str | None = None


class HookPayload(_Open):
    conversation_id: str | None = None
    generation_id: str | None = None
    model: str | None = None
    hook_event_name: str
    cursor_version: str | None = None
    workspace_roots: list[str] = Field(default_factory=list)
    transcript_path: str | None = None


class FileEditPayload(HookPayload):
    hook_event_name: Literal["afterFileEdit", "afterTabFileEdit"]
    file_path: str
    edits: list[Edit]


class ToolPayload(HookPayload):
    hook_event_name: Literal["preToolUse", "postToolUse"]
    tool_name: str
    tool_input: dict[str, Any]
    tool_use_id: str | None = None
    cwd: str | None = None


def _tab_lines(edits: list[Edit]) -> list[LineRange]:
    """The lines each accepted Tab edit occupies after it was applied."""
    out = []
    for e in edits:
        if e.range is None or not e.new_string:
            continue
        start = e.range.start_line_number
        breaks = e.new_string.count("\n")
        end = start + breaks - (1 if breaks and e.new_string.endswith("\n") else 0)
        out.append(LineRange(start=start, end=max(start, end)))
    return out


def parse(payload: dict[str, Any]) -> AgentEvent | None:
    """The event of an ``afterFileEdit`` / ``afterTabFileEdit`` payload (``None`` otherwise).

    Raises ``pydantic.ValidationError`` when the payload does not match the schema.
    """
    event = payload.get("hook_event_name")
    if event in ("preToolUse", "postToolUse"):
        ToolPayload.model_validate(payload)
        return None
    if event not in ("afterFileEdit", "afterTabFileEdit"):
        HookPayload.model_validate(payload)
        return None
    p = FileEditPayload.model_validate(payload)
    tab = p.hook_event_name == "afterTabFileEdit"
    edits = [StrEdit(old=e.old_string, new=e.new_string) for e in p.edits]
    change = FileChange(path=p.file_path, edits=edits, lines=_tab_lines(p.edits) if tab else [])
    return AgentEvent(
        tool=TOOL, model=p.model or None, session=p.conversation_id or None,
        source="hook:cursor-tab" if tab else "hook:cursor", changes=[change],
    )
