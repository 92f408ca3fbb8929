"""GitHub Copilot agent hooks: VS Code's ``PreToolUse`` / ``PostToolUse`` (and the Copilot CLI's).

Written from VS Code's agent hooks reference. Every hook gets ``timestamp``, ``cwd``,
``sessionId``, ``hookEventName`` and ``transcript_path``; tool events add ``tool_name``,
``tool_input`` and ``tool_use_id``, and ``PostToolUse`` adds ``tool_response`` (a string). VS
Code's file tools and their inputs (property names in camelCase)::

    create_file                   {filePath, content}
    replace_string_in_file        {filePath, oldString, newString, explanation?}
    multi_replace_string_in_file  {replacements: [{filePath, oldString, newString}], explanation?}
    insert_edit_into_file         {filePath, code, explanation?}  (an edit sketch)
    edit_notebook_file            {filePath, cellId?, newCode, editType?, language?}
    apply_patch                   {input: "*** Begin Patch ... *** End Patch"}
    editFiles                     {files: [path, ...]}

The Copilot CLI (and cloud agent) send ``{timestamp, cwd, toolName, toolArgs}`` instead, with
``toolArgs`` a JSON string and, after the tool, ``toolResult: {resultType, textResultForLlm}``;
its file tools are ``edit`` ``{path, old_str, new_str}`` and ``create`` ``{path, file_text}``.
Neither form says which model ran; ``model`` is used if a payload carries it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tracemark.capture.agents.events import AgentEvent, FileChange, StrEdit

TOOL = "copilot"


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class VSCodePayload(_Open):
    timestamp: str | int | float | None = None
    cwd: str | None = None
    sessionId: str | None = None
    hookEventName: str | None = None
    transcript_path: str | None = None
    tool_name: str
    tool_input: dict[str, Any] = Field(default_factory=dict)
    tool_use_id: str | None = None
    tool_response: Any = None
    model: str | None = None


class ToolResult(_Open):
    resultType: str = "success"
    textResultForLlm: str | None = None


class CLIPayload(_Open):
    timestamp: int | float | str | None = None
    cwd: str | None = None
    toolName: str
    toolArgs: dict[str, Any] | str = Field(default_factory=dict)
    toolResult: ToolResult | None = None
    model: str | None = None


class CreateFile(_Open):
    filePath: str
    content: str


class ReplaceString(_Open):
    filePath: str
    oldString: str
    newString: str


class MultiReplace(_Open):
    replacements: list[ReplaceString] = Field(min_length=1)


class InsertEdit(_Open):
    filePath: str
    code: str


class NotebookEdit(_Open):
    filePath: str
    newCode: str | list[str] = ""
    editType: str | None = None


class ApplyPatch(_Open):
    input: str


class EditFiles(_Open):
    files: list[str | dict[str, Any]] = Field(min_length=1)


class CLIEdit(_Open):
    path: str
    old_str: str
    new_str: str


class CLICreate(_Open):
    path: str
    file_text: str


_SECTION = re.compile(r"^\*\*\* (Add|Update|Delete) File: (.+?)\s*$")
#: An edit sketch's marker for code left as it was.
_EXISTING = re.compile(r"\.\.\.\s*existing code\s*\.\.\.", re.IGNORECASE)


def _patch_changes(patch: str) -> list[FileChange]:
    """The files of an ``apply_patch`` patch, each with the lines it adds."""
    out: list[FileChange] = []
    path: str | None = None
    added: list[str] = []

    def flush() -> None:
        if path is not None:
            out.append(FileChange(path=path, fragments=added))

    for line in patch.splitlines():
        m = _SECTION.match(line)
        if m:
            flush()
            path, added = (m.group(2) if m.group(1) != "Delete" else None), []
        elif path is not None and line.startswith("+"):
            added.append(line[1:])
    flush()
    return out


def _vscode_changes(tool: str, inp: dict[str, Any]) -> list[FileChange]:
    if tool == "create_file":
        c = CreateFile.model_validate(inp)
        return [FileChange(path=c.filePath, content=c.content)]
    if tool == "replace_string_in_file":
        r = ReplaceString.model_validate(inp)
        return [FileChange(path=r.filePath, edits=[StrEdit(old=r.oldString, new=r.newString)])]
    if tool == "multi_replace_string_in_file":
        m = MultiReplace.model_validate(inp)
        by_file: dict[str, list[StrEdit]] = {}
        for r in m.replacements:
            by_file.setdefault(r.filePath, []).append(StrEdit(old=r.oldString, new=r.newString))
        return [FileChange(path=p, edits=e) for p, e in by_file.items()]
    if tool == "insert_edit_into_file":
        i = InsertEdit.model_validate(inp)
        sketch = [ln for ln in i.code.splitlines() if not _EXISTING.search(ln)]
        return [FileChange(path=i.filePath, fragments=["\n".join(sketch)])]
    if tool == "edit_notebook_file":
        n = NotebookEdit.model_validate(inp)
        code = n.newCode if isinstance(n.newCode, str) else "".join(n.newCode)
        sources = [] if (n.editType or "").lower() == "delete" else [code]
        return [FileChange(path=n.filePath, notebook_sources=sources)]
    if tool == "apply_patch":
        return _patch_changes(ApplyPatch.model_validate(inp).input)
    if tool == "editFiles":
        files = EditFiles.model_validate(inp).files
        paths = [f if isinstance(f, str) else str(f.get("path") or f.get("filePath") or "")
                 for f in files]
        return [FileChange(path=p) for p in paths if p]
    return []


def _cli_changes(tool: str, args: dict[str, Any]) -> list[FileChange]:
    if tool == "edit":
        e = CLIEdit.model_validate(args)
        return [FileChange(path=e.path, edits=[StrEdit(old=e.old_str, new=e.new_str)])]
    if tool == "create":
        c = CLICreate.model_validate(args)
        return [FileChange(path=c.path, content=c.file_text)]
    return []


def parse(payload: dict[str, Any]) -> AgentEvent | None:
    """The event of a post-tool payload (``None`` before the tool, or for other tools).

    Raises ``pydantic.ValidationError`` (or ``ValueError``) when the payload does not match.
    """
    if "tool_name" in payload:
        p = VSCodePayload.model_validate(payload)
        changes = _vscode_changes(p.tool_name, p.tool_input)
        event = (p.hookEventName or payload.get("hook_event_name") or "").lower()
        after = event == "posttooluse" or (not event and p.tool_response is not None)
        session, model = p.sessionId or payload.get("session_id"), p.model
    else:
        c = CLIPayload.model_validate(payload)
        args = json.loads(c.toolArgs) if isinstance(c.toolArgs, str) else c.toolArgs
        if not isinstance(args, dict):
            raise ValueError("toolArgs is not a JSON object")
        changes = _cli_changes(c.toolName, args)
        after = c.toolResult is not None and c.toolResult.resultType == "success"
        session, model = None, c.model
    if not after or not changes:
        return None
    return AgentEvent(tool=TOOL, model=model, session=session or None, source="hook:copilot",
                      changes=changes)
