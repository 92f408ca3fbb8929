"""Two servers as one: the capabilities the editor sees, and one answer from two.

The wrapped server's capabilities come first; tracemark's fill what it lacks; both command
lists are kept (plus :data:`ACCEPT_COMMAND`); document sync is what tracemark needs (the proxy
converts for a wrapped server that asked for full text). Answers both give are merged.
"""

from __future__ import annotations

import copy
import os
import re
from typing import Any

from tracemark.lsp.proxy.accepted import ACCEPT_COMMAND

#: Requests tracemark also answers, with the capability that says the wrapped server does.
SHARED = {
    "textDocument/hover": "hoverProvider",
    "textDocument/codeAction": "codeActionProvider",
    "textDocument/codeLens": "codeLensProvider",
    "textDocument/inlayHint": "inlayHintProvider",
    "textDocument/diagnostic": "diagnosticProvider",
}
_LIST_RESULTS = {"textDocument/codeAction", "textDocument/codeLens", "textDocument/inlayHint"}


def sync_kind(caps: dict[str, Any]) -> int:
    sync = caps.get("textDocumentSync")
    if isinstance(sync, int):
        return sync
    if isinstance(sync, dict):
        return int(sync.get("change", 0) or 0)
    return 0


def merge_capabilities(wrapped: dict[str, Any], ours: dict[str, Any], encoding: str
                       ) -> dict[str, Any]:
    """The capabilities the editor sees: the wrapped server's, plus tracemark's where it has
    none, with both command lists and tracemark's document sync needs."""
    out = copy.deepcopy(wrapped)
    for key, value in ours.items():
        if key not in out or out[key] in (None, False):
            out[key] = copy.deepcopy(value)
    commands: list[str] = []
    for caps in (wrapped, ours):
        provider = caps.get("executeCommandProvider")
        if isinstance(provider, dict):
            commands += [c for c in provider.get("commands", []) if c not in commands]
    commands.append(ACCEPT_COMMAND)
    out["executeCommandProvider"] = {"commands": commands}
    # tracemark needs open/close, incremental changes (it converts them for the wrapped
    # server when that one asked for full text) and save; the wrapped server's save options
    # (includeText) are kept.
    wsync = wrapped.get("textDocumentSync")
    save: Any = {"includeText": False}
    if isinstance(wsync, dict) and isinstance(wsync.get("save"), dict):
        save = {"includeText": bool(wsync["save"].get("includeText"))}
    out["textDocumentSync"] = {"openClose": True, "change": 2, "save": save}
    out["positionEncoding"] = encoding
    return out


def merge_results(method: str, results: list[Any]) -> Any:
    """One answer from the answers of both servers (wrapped first)."""
    present = [r for r in results if r is not None]
    if method in _LIST_RESULTS:
        return [x for r in present if isinstance(r, list) for x in r] if present else None
    if method == "textDocument/hover" and len(present) > 1:
        parts = [_hover_markdown(h) for h in present]
        text = "\n\n---\n\n".join(p for p in parts if p)
        return {"contents": {"kind": "markdown", "value": text}, **(
            {"range": present[0]["range"]} if isinstance(present[0], dict)
            and "range" in present[0] else {})}
    if method == "textDocument/diagnostic" and len(present) > 1:
        items = [d for r in present if isinstance(r, dict) for d in r.get("items", [])]
        return {"kind": "full", "items": items}
    return present[0] if present else None


def _hover_markdown(hover: Any) -> str:
    contents = hover.get("contents") if isinstance(hover, dict) else None
    if isinstance(contents, str):
        return contents
    if isinstance(contents, dict):
        value = contents.get("value", "")
        lang = contents.get("language")
        return f"```{lang}\n{value}\n```" if lang else str(value)
    if isinstance(contents, list):
        return "\n\n".join(_hover_markdown({"contents": c}) for c in contents)
    return ""


def tool_name(server_name: str | None, command: list[str]) -> str:
    """A short tool name for spans: ``copilot`` for Copilot, else the server's name."""
    name = server_name or (os.path.basename(command[0]) if command else "") or "unknown"
    if "copilot" in name.lower():
        return "copilot"
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-")
    return slug or "unknown"
