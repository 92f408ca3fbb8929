"""What an agent hook does before it returns: capture the files, queue the event, hand off.

A hook runs inside the agent's loop (Claude Code, Cursor and VS Code wait for it), so it must be
quick. Importing pydantic costs ~100 ms and the ledger ~200 ms on a small machine (measured by
``benchmarks/agent_hook.py``), so this module uses the standard library only and does just what
must happen at that instant:

1. read the payload and find the repository and the files it names;
2. capture those files' text now (before the tool runs, or right after it wrote);
3. queue payload and text in the spool (:mod:`tracemark.capture.agents.spool`) and start the
   drainer, which parses the payload with the tool's pydantic model and writes the ledger.

Which payload fields name files and the event phase is repeated here, by hand, from the tool
modules (``claude.py``, ``cursor.py``, ...) because those import pydantic; the drainer validates
the whole payload against them. A payload this module cannot read is logged in one line (stderr
and ``.git/tracemark/agent-hooks.log``) and the hook still exits 0: it never breaks the agent.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~3 ms at startup, and annotations are not evaluated here
    from typing import Any

HOOKS = ("claude", "cursor", "copilot", "generic")
LOG_NAME = "agent-hooks.log"
#: A payload larger than this is refused (agents send a file's content at most).
MAX_PAYLOAD = 64 * 1024 * 1024

#: Tool names that write files, per hook, as each tool reports them.
WRITE_TOOLS: dict[str, frozenset[str]] = {
    "claude": frozenset({"Write", "Edit", "MultiEdit", "NotebookEdit"}),
    # Cursor's agent tools (``preToolUse``); its edits themselves arrive as ``afterFileEdit``.
    "cursor": frozenset({"Write", "StrReplace", "Edit", "MultiEdit", "ApplyPatch",
                         "EditNotebook"}),
    # VS Code Copilot agent tools, and the Copilot CLI's ``edit`` / ``create``.
    "copilot": frozenset({"create_file", "replace_string_in_file",
                          "multi_replace_string_in_file", "insert_edit_into_file", "editFiles",
                          "apply_patch", "edit_notebook_file", "edit", "create"}),
}

_PATCH_FILE = re.compile(r"^\*\*\* (?:Add|Update) File: (.+?)\s*$", re.MULTILINE)


class HookProblem(Exception):
    """A payload the hook cannot use: the message is the one line that gets logged."""


@dataclass
class Located:
    """What the front needs from a payload: the phase, whose session, which files."""

    phase: str  # "before" or "after"
    session: str
    cwd: str | None
    paths: list[str] = field(default_factory=list)


# -- reading payloads (by hand: see the module docstring) ------------------------------------


def _obj(v: Any, what: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise HookProblem(f"{what} is not a JSON object")
    return v


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _paths_in(inp: dict[str, Any], keys: tuple[str, ...]) -> list[str]:
    out = [v for k in keys if (v := _str(inp.get(k)))]
    return out


def _event(p: dict[str, Any], *keys: str) -> str:
    for key in keys:
        if isinstance(p.get(key), str):
            return p[key]
    raise HookProblem(f"the payload has no {keys[0]} (is --hook the right tool?)")


def _locate_claude(p: dict[str, Any]) -> Located | None:
    if "hook_event_name" not in p and "hookEventName" in p:
        return None  # VS Code runs .claude/settings.json hooks too; --hook copilot records it
    event = _event(p, "hook_event_name")
    phase = {"PreToolUse": "before", "PostToolUse": "after"}.get(event)
    if phase is None or p.get("tool_name") not in WRITE_TOOLS["claude"]:
        return None
    inp = _obj(p.get("tool_input"), "tool_input")
    paths = _paths_in(inp, ("file_path", "notebook_path"))
    if not paths:
        raise HookProblem(f"{p.get('tool_name')} tool_input has no file_path")
    return Located(phase, str(p.get("session_id") or ""), _str(p.get("cwd")), paths)


def _locate_cursor(p: dict[str, Any]) -> Located | None:
    event = _event(p, "hook_event_name")
    roots = p.get("workspace_roots")
    cwd = _str(p.get("cwd")) or (_str(roots[0]) if isinstance(roots, list) and roots else None)
    session = str(p.get("conversation_id") or "")
    if event in ("afterFileEdit", "afterTabFileEdit"):
        path = _str(p.get("file_path"))
        if path is None:
            raise HookProblem(f"{event} payload has no file_path")
        return Located("after", session, cwd, [path])
    if event == "preToolUse" and p.get("tool_name") in WRITE_TOOLS["cursor"]:
        inp = _obj(p.get("tool_input"), "tool_input")
        paths = _paths_in(inp, ("file_path", "path", "target_file", "target_notebook"))
        return Located("before", session, cwd, paths) if paths else None
    return None  # postToolUse and the rest: the edit itself arrives as afterFileEdit


def _copilot_input(p: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """``(tool name, tool input)`` from VS Code's snake_case form or the Copilot CLI's form."""
    if "tool_name" in p:
        return _str(p.get("tool_name")), _obj(p.get("tool_input") or {}, "tool_input")
    if "toolName" not in p:
        raise HookProblem("the payload has neither tool_name (VS Code) nor toolName (Copilot "
                          "CLI); is --hook the right tool?")
    args = p.get("toolArgs")
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except ValueError:
            raise HookProblem("toolArgs is not valid JSON") from None
    return _str(p.get("toolName")), _obj(args or {}, "toolArgs")


def _locate_copilot(p: dict[str, Any]) -> Located | None:
    tool, inp = _copilot_input(p)
    if tool not in WRITE_TOOLS["copilot"]:
        return None
    event = p.get("hookEventName") or p.get("hook_event_name")
    if isinstance(event, str) and event.lower() in ("pretooluse", "posttooluse"):
        phase = "before" if event.lower() == "pretooluse" else "after"
    else:
        phase = "after" if ("tool_response" in p or "toolResult" in p) else "before"
    paths = _paths_in(inp, ("filePath", "file_path", "path"))
    files = inp.get("files")
    if isinstance(files, list):
        for f in files:
            s = _str(f) or (_str(f.get("path") or f.get("filePath")) if isinstance(f, dict)
                            else None)
            if s:
                paths.append(s)
    reps = inp.get("replacements")
    if isinstance(reps, list):
        paths += [s for r in reps if isinstance(r, dict) and (s := _str(r.get("filePath")))]
    patch = inp.get("input")
    if tool == "apply_patch" and isinstance(patch, str):
        paths += _PATCH_FILE.findall(patch)
    if not paths:
        raise HookProblem(f"{tool} tool input names no file")
    session = str(p.get("sessionId") or p.get("session_id") or "")
    return Located(phase, session, _str(p.get("cwd")), list(dict.fromkeys(paths)))


def _locate_generic(p: dict[str, Any]) -> Located | None:
    event = p.get("event")
    if event not in ("before-edit", "after-edit"):
        raise HookProblem('"event" must be "before-edit" or "after-edit"')
    if not _str(p.get("tool")):
        raise HookProblem('"tool" is required (the name of the AI tool that edits)')
    files = p.get("files")
    if not isinstance(files, list) or not files:
        raise HookProblem('"files" must be a non-empty list of {"path": ...} objects')
    paths = []
    for f in files:
        path = _str(f.get("path")) if isinstance(f, dict) else None
        if path is None:
            raise HookProblem('every entry of "files" needs a "path"')
        paths.append(path)
    phase = "before" if event == "before-edit" else "after"
    return Located(phase, str(p.get("session") or ""), _str(p.get("cwd")), paths)


_LOCATORS = {"claude": _locate_claude, "cursor": _locate_cursor, "copilot": _locate_copilot,
             "generic": _locate_generic}


def locate(hook: str, payload: Any) -> Located | None:
    """The phase, session and files of a payload; ``None`` when it does not write files."""
    return _LOCATORS[hook](_obj(payload, "the payload"))


# -- logging ---------------------------------------------------------------------------------


def utc_stamp(ns: int) -> str:
    """ISO 8601 UTC to the millisecond, as ``datetime.isoformat`` gives it (without importing
    datetime: the hook's startup budget)."""
    secs, rest = divmod(ns, 1_000_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + \
        f".{rest // 1_000_000:03d}+00:00"


class HookLog:
    """One line per problem: to stderr and, once the repository is known, to its log file."""

    def __init__(self, hook: str, *, quiet: bool = False) -> None:
        self.hook = hook
        self.quiet = quiet
        self.file: Path | None = None
        self.lines: list[str] = []

    def __call__(self, message: str) -> None:
        line = " ".join(message.split())
        self.lines.append(line)
        if not self.quiet:
            print(f"tracemark record --hook {self.hook}: {line}", file=sys.stderr, flush=True)
        if self.file is not None:
            stamp = utc_stamp(time.time_ns())
            try:
                self.file.parent.mkdir(parents=True, exist_ok=True)
                with self.file.open("a", encoding="utf-8") as fh:
                    fh.write(f"{stamp} pid={os.getpid()} hook={self.hook} {line}\n")
            except OSError:
                pass  # the log is a courtesy; a hook must not fail because of it


# -- the hook --------------------------------------------------------------------------------


def _capture(path: Path) -> dict[str, Any]:
    """The file's text now, or why it cannot be recorded (strict UTF-8, as textfile reads)."""
    from tracemark.errors import InputError
    from tracemark.textfile import MAX_BYTES, decode_text

    try:
        st = path.stat()
    except FileNotFoundError:
        return {"absent": True}
    except OSError as err:
        return {"skip": f"cannot read ({err.strerror or err})"}
    if not path.is_file():
        return {"skip": "not a regular file"}
    if st.st_size > MAX_BYTES:
        return {"skip": f"too large ({st.st_size} bytes)"}
    try:
        return {"text": decode_text(path.read_bytes(), path.name)}
    except InputError as err:
        return {"skip": str(err).split(": ", 1)[-1]}
    except OSError as err:
        return {"skip": f"cannot read ({err.strerror or err})"}


def run(hook: str, data: bytes, log: HookLog, *, sync: bool = False) -> bool:
    """Handle one hook invocation; ``True`` when the payload was usable (even if it wrote no
    file), ``False`` when a problem was logged. Never raises for bad input."""
    from tracemark.errors import InputError
    from tracemark.gitutil import find_repo

    if hook not in HOOKS:
        log(f"unknown hook {hook!r} (expected one of {', '.join(HOOKS)}); nothing recorded")
        return False
    try:
        payload = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        log_to_repo_of(log)
        log("payload is not UTF-8 JSON; nothing recorded")
        return False
    except ValueError as err:
        log_to_repo_of(log)
        log(f"payload is not valid JSON ({err}); nothing recorded")
        return False
    try:
        found = locate(hook, payload)
    except HookProblem as err:
        cwd = payload.get("cwd") if isinstance(payload, dict) else None
        log_to_repo_of(log, cwd if isinstance(cwd, str) else None)
        log(f"{err}; nothing recorded")
        return False
    if found is None:
        return True  # not a file-writing event: nothing to do
    cwd = Path(found.cwd) if found.cwd else Path.cwd()
    try:
        repo = find_repo(cwd)
    except (InputError, OSError) as err:
        log(f"{cwd}: {err}; nothing recorded")
        return False
    log.file = repo.tracemark_dir / LOG_NAME
    files = []
    ok = True
    for given in found.paths:
        path = Path(given) if os.path.isabs(given) else cwd / given
        try:
            rel = repo.relpath(path)
        except InputError:
            log(f"ignored {given}: outside the repository at {repo.root}")
            continue
        captured = _capture(path)
        if "skip" in captured:
            log(f"ignored {rel}: {captured['skip']}")
            ok = False
            continue
        if found.phase == "after" and captured.get("absent"):
            log(f"ignored {rel}: the file does not exist after the edit")
            continue
        files.append({"given": given, "rel": rel, **captured})
    if not files:
        return ok
    from tracemark.capture.agents import spool

    now = time.time_ns()
    entry = {
        "v": 1, "hook": hook, "phase": found.phase, "session": found.session,
        "time": utc_stamp(now), "time_ns": now,
        "root": str(repo.root), "cwd": str(cwd), "files": files, "payload": payload,
    }
    spool.enqueue(repo.tracemark_dir, entry)
    if sync or not spool.spawn_drainer(repo.tracemark_dir):
        return spool.drain(repo.tracemark_dir, log=log, wait=True) and ok
    return ok


def log_to_repo_of(log: HookLog, cwd: str | None = None) -> None:
    """Point the log at the repository of ``cwd`` (or the process's), when there is one."""
    from tracemark.errors import InputError
    from tracemark.gitutil import find_repo

    try:
        log.file = find_repo(cwd or ".").tracemark_dir / LOG_NAME
    except (InputError, OSError):
        log.file = None
