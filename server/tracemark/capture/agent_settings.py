"""Adding tracemark's agent hooks to a repository's agent settings, and taking them out again.

Three files, each in the tool's documented format, merged with whatever is there:

- ``.claude/settings.json`` (Claude Code): ``hooks.PreToolUse`` and ``hooks.PostToolUse`` get a
  matcher group for the file tools with ``tracemark record --hook claude``;
- ``.cursor/hooks.json`` (Cursor): ``preToolUse`` (file tools), ``afterFileEdit`` and
  ``afterTabFileEdit`` run ``tracemark record --hook cursor``;
- ``.github/hooks/tracemark.json`` (GitHub Copilot: VS Code's agent hooks and the Copilot CLI
  read ``.github/hooks/*.json``): ``preToolUse`` / ``postToolUse`` run ``--hook copilot``.

Other keys, hooks and matcher groups are kept as they are; installing twice changes nothing;
uninstalling removes only entries whose command is tracemark's, and a file (or folder) only when
nothing else is left in it. A file that is not valid JSON, or not of the expected shape, stops
the whole operation before anything is written (:class:`~tracemark.errors.InputError`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracemark.errors import InputError

_OURS = re.compile(r"\btracemark record --hook (claude|cursor|copilot)\b")
CLAUDE_MATCHER = "Write|Edit|MultiEdit|NotebookEdit"
CURSOR_MATCHER = "Write|StrReplace|Edit|MultiEdit|ApplyPatch|EditNotebook"
TIMEOUT_S = 10


def hook_command(hook: str) -> str:
    """The command a hook runs: ``tracemark`` when it is on PATH, else this Python's."""
    if shutil.which("tracemark"):
        return f"tracemark record --hook {hook}"
    return f'"{sys.executable}" -m tracemark record --hook {hook}'


@dataclass(frozen=True)
class _Agent:
    name: str
    rel: str
    hook: str
    events: tuple[str, ...]
    #: The file holds nothing but tracemark's hooks (ours to delete when empty).
    own_file: bool = False

    def entry(self, event: str) -> dict[str, Any]:
        cmd = hook_command(self.hook)
        if self.hook == "claude":
            return {"matcher": CLAUDE_MATCHER,
                    "hooks": [{"type": "command", "command": cmd, "timeout": TIMEOUT_S}]}
        if self.hook == "cursor":
            e: dict[str, Any] = {"command": cmd, "timeout": TIMEOUT_S}
            if event == "preToolUse":
                e["matcher"] = CURSOR_MATCHER
            return e
        return {"type": "command", "bash": cmd, "powershell": cmd, "timeoutSec": TIMEOUT_S}


AGENTS = (
    _Agent("Claude Code", ".claude/settings.json", "claude", ("PreToolUse", "PostToolUse")),
    _Agent("Cursor", ".cursor/hooks.json", "cursor",
           ("preToolUse", "afterFileEdit", "afterTabFileEdit")),
    _Agent("GitHub Copilot", ".github/hooks/tracemark.json", "copilot",
           ("preToolUse", "postToolUse"), own_file=True),
)


# -- reading ---------------------------------------------------------------------------------


def _commands(entry: Any) -> list[str]:
    """Every command string of one hook entry (a Claude matcher group holds several)."""
    if not isinstance(entry, dict):
        return []
    out = [v for k in ("command", "bash", "powershell", "windows", "linux", "osx")
           if isinstance(v := entry.get(k), str)]
    for inner in entry.get("hooks", []) if isinstance(entry.get("hooks"), list) else []:
        out += _commands(inner)
    return out


def _is_ours(entry: Any) -> bool:
    return any(_OURS.search(c) for c in _commands(entry))


def _load(root: Path, agent: _Agent) -> tuple[dict[str, Any] | None, str]:
    """The file's JSON (``None`` when missing) and its indentation; InputError when broken."""
    path = root / agent.rel
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, "  "
    except OSError as err:
        raise InputError(f"{agent.rel}: cannot read ({err.strerror or err}); nothing changed"
                         ) from None
    try:
        data = json.loads(raw) if raw.strip() else {}
    except ValueError as err:
        raise InputError(f"{agent.rel}: not valid JSON ({err}); nothing changed") from None
    if not isinstance(data, dict):
        raise InputError(f"{agent.rel}: not a JSON object; nothing changed")
    hooks = data.get("hooks", {})
    if not isinstance(hooks, dict):
        raise InputError(f'{agent.rel}: "hooks" is not an object; nothing changed')
    for event, entries in hooks.items():
        if not isinstance(entries, list):
            raise InputError(f'{agent.rel}: "hooks.{event}" is not a list; nothing changed')
    m = re.search(r"\n([ \t]+)\S", raw)
    return data, m.group(1) if m else "  "


def _save(root: Path, agent: _Agent, data: dict[str, Any], indent: str) -> None:
    path = root / agent.rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tracemark.tmp")
    tmp.write_text(json.dumps(data, indent=indent, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _installed(data: dict[str, Any] | None, agent: _Agent) -> list[str]:
    hooks = (data or {}).get("hooks", {})
    return [e for e in agent.events if any(_is_ours(x) for x in hooks.get(e, []))]


def _load_all(root: Path) -> list[tuple[_Agent, dict[str, Any] | None, str]]:
    return [(a, *_load(root, a)) for a in AGENTS]  # every file checked before any is written


# -- the three operations --------------------------------------------------------------------


def install(root: Path) -> list[str]:
    """Add tracemark's hooks for every agent; messages for the user."""
    out = []
    for agent, data, indent in _load_all(root):
        have = _installed(data, agent)
        missing = [e for e in agent.events if e not in have]
        if not missing:
            out.append(f"{agent.name}: already installed in {agent.rel}")
            continue
        data = data if data is not None else {}
        if agent.hook != "claude":
            data.setdefault("version", 1)
        hooks = data.setdefault("hooks", {})
        for event in missing:
            hooks.setdefault(event, []).append(agent.entry(event))
        _save(root, agent, data, indent)
        out.append(f"{agent.name}: added tracemark to {agent.rel} ({', '.join(missing)})")
    return out


def uninstall(root: Path) -> list[str]:
    """Remove tracemark's hooks (only those); messages for the user."""
    out = []
    for agent, data, indent in _load_all(root):
        if data is None or not _installed(data, agent):
            out.append(f"{agent.name}: not installed ({agent.rel})")
            continue
        hooks = data["hooks"]
        for event in list(hooks):
            kept = []
            for entry in hooks[event]:
                if isinstance(entry, dict) and isinstance(entry.get("hooks"), list) and any(
                        _is_ours(h) for h in entry["hooks"]):
                    entry = {**entry, "hooks": [h for h in entry["hooks"] if not _is_ours(h)]}
                    if not entry["hooks"]:
                        continue  # a matcher group that held only our hook
                elif _is_ours(entry):
                    continue
                kept.append(entry)
            if kept:
                hooks[event] = kept
            else:
                del hooks[event]
        if not hooks:
            del data["hooks"]
        path = root / agent.rel
        if not data or (set(data) == {"version"} and (agent.own_file or agent.hook == "cursor")):
            path.unlink()
            _remove_empty_dirs(root, path.parent)
            out.append(f"{agent.name}: removed tracemark; {agent.rel} held nothing else and "
                       "was deleted")
        else:
            _save(root, agent, data, indent)
            out.append(f"{agent.name}: removed tracemark from {agent.rel} (other settings kept)")
    return out


def status(root: Path) -> list[str]:
    """Whether each agent's hooks are installed; messages for the user."""
    out = []
    for agent in AGENTS:
        try:
            data, _indent = _load(root, agent)
        except InputError as err:
            out.append(f"{agent.name}: {str(err).removesuffix('; nothing changed')}")
            continue
        have = _installed(data, agent)
        if len(have) == len(agent.events):
            out.append(f"{agent.name}: installed in {agent.rel} ({', '.join(have)})")
        elif have:
            missing = [e for e in agent.events if e not in have]
            out.append(f"{agent.name}: partly installed in {agent.rel} (missing "
                       f"{', '.join(missing)}; run `tracemark hooks install --agents`)")
        else:
            out.append(f"{agent.name}: not installed ({agent.rel})")
    return out


def _remove_empty_dirs(root: Path, d: Path) -> None:
    root = root.resolve()
    while d.resolve() != root and d.is_dir() and not any(d.iterdir()):
        d.rmdir()
        d = d.parent
