"""Claude Code hooks: ``PreToolUse`` / ``PostToolUse`` for Write, Edit, MultiEdit, NotebookEdit.

Written from the Claude Code hooks reference. Every hook gets ``session_id``, ``transcript_path``,
``cwd``, ``permission_mode`` and ``hook_event_name``; tool events add ``tool_name``,
``tool_input`` and ``tool_use_id``, and ``PostToolUse`` adds ``tool_response``. The inputs::

    Write         {file_path, content}
    Edit          {file_path, old_string, new_string, replace_all?}
    MultiEdit     {file_path, edits: [{old_string, new_string, replace_all?}]}
    NotebookEdit  {notebook_path, cell_id?, new_source, cell_type?, edit_mode?}

``tool_response`` for the file tools carries ``filePath``, ``structuredPatch`` (the tool's own
diff of the file: hunks with ``oldStart``, ``newStart`` and ``' '``/``-``/``+`` lines) and, in
recent versions, ``originalFile``; all optional here, used when present. Unknown fields are
allowed everywhere: Claude Code adds fields between releases. The model is not in the payload:
it is read from the transcript (JSON lines; assistant messages carry ``message.model``).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tracemark.capture.agents.events import AgentEvent, FileChange, Hunk, StrEdit
from tracemark.capture.agents.transcript import model_from_transcript

TOOL = "claude-code"


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class WriteInput(_Open):
    file_path: str
    content: str


class EditInput(_Open):
    file_path: str
    old_string: str
    new_string: str
    replace_all: bool = False


class MultiEditItem(_Open):
    old_string: str
    new_string: str
    replace_all: bool = False


class MultiEditInput(_Open):
    file_path: str
    edits: list[MultiEditItem] = Field(min_length=1)


class NotebookEditInput(_Open):
    notebook_path: str
    new_source: str = ""
    cell_id: str | None = None
    cell_type: Literal["code", "markdown"] | None = None
    edit_mode: Literal["replace", "insert", "delete"] = "replace"


class PatchHunk(_Open):
    oldStart: int = 0
    oldLines: int = 0
    newStart: int
    newLines: int = 0
    lines: list[str]


class FileResponse(_Open):
    filePath: str | None = None
    structuredPatch: list[PatchHunk] | None = None
    originalFile: str | None = None


class HookPayload(_Open):
    """The fields every Claude Code tool hook receives."""

    session_id: str
    transcript_path: str | None = None
    cwd: str | None = None
    hook_event_name: Literal["PreToolUse", "PostToolUse"]
    tool_name: str
    tool_input: dict[str, Any]
    tool_use_id: str | None = None
    tool_response: Any = None
    #: Not documented for tool events; used if a release starts sending it.
    model: str | None = None


_INPUTS: dict[str, type[_Open]] = {
    "Write": WriteInput, "Edit": EditInput, "MultiEdit": MultiEditInput,
    "NotebookEdit": NotebookEditInput,
}


def _change(tool_name: str, inp: _Open, response: Any) -> FileChange:
    resp = FileResponse.model_validate(response) if isinstance(response, dict) else None
    hunks = [Hunk(new_start=h.newStart, lines=h.lines) for h in (resp.structuredPatch or [])
             ] if resp is not None else []
    original = resp.originalFile if resp is not None else None
    if isinstance(inp, WriteInput):
        return FileChange(path=inp.file_path, content=inp.content, hunks=hunks,
                          original=original)
    if isinstance(inp, EditInput):
        return FileChange(path=inp.file_path, hunks=hunks, original=original, edits=[
            StrEdit(old=inp.old_string, new=inp.new_string, replace_all=inp.replace_all)])
    if isinstance(inp, MultiEditInput):
        return FileChange(path=inp.file_path, hunks=hunks, original=original, edits=[
            StrEdit(old=e.old_string, new=e.new_string, replace_all=e.replace_all)
            for e in inp.edits])
    assert isinstance(inp, NotebookEditInput)
    sources = [] if inp.edit_mode == "delete" else [inp.new_source]
    return FileChange(path=inp.notebook_path, notebook_sources=sources)


def parse(payload: dict[str, Any]) -> AgentEvent | None:
    """The event of a ``PostToolUse`` payload (``None`` for a ``PreToolUse`` one, whose file
    the front has captured, and for tools that write no file).

    Raises ``pydantic.ValidationError`` when the payload does not match the schema.
    """
    p = HookPayload.model_validate(payload)
    model = _INPUTS.get(p.tool_name)
    if model is None:
        return None
    inp = model.model_validate(p.tool_input)
    if p.hook_event_name != "PostToolUse":
        return None
    return AgentEvent(
        tool=TOOL,
        model=p.model or model_from_transcript(p.transcript_path),
        session=p.session_id or None,
        source="hook:claude",
        changes=[_change(p.tool_name, inp, p.tool_response)],
    )
