"""What an accepted inline completion inserted: the item's text (snippets expanded to their
defaults), where it landed in the document, and which part of it the AI wrote (not what the
user had typed before, nor an auto-closed suffix). Pure functions, unit-tested.
"""

from __future__ import annotations

import re
from typing import Any

#: The command every proxied inline completion item carries instead of its own.
ACCEPT_COMMAND = "tracemark.acceptedInlineCompletion"
#: Copilot's notification for a partial accept (next word / next line): ``{item, acceptedLength}``.
PARTIAL_ACCEPT = "textDocument/didPartiallyAcceptCompletion"


_SNIPPET_TOKEN = re.compile(r"\\([$}\\])|\$\{\d+:([^{}]*)\}|\$\{\d+\}|\$\d+|\$\{\d+\|([^|]*)\|\}")


def snippet_text(value: str) -> str:
    """The text a snippet inserts, placeholders at their defaults (choices: the first)."""

    def sub(m: re.Match[str]) -> str:
        if m.group(1):
            return m.group(1)
        if m.group(2) is not None:
            return m.group(2)
        if m.group(3) is not None:
            return m.group(3).split(",")[0]
        return ""

    return _SNIPPET_TOKEN.sub(sub, value)


def insert_text_of(item: dict[str, Any]) -> str | None:
    text = item.get("insertText")
    if isinstance(text, str):
        return text
    if isinstance(text, dict) and isinstance(text.get("value"), str):
        return snippet_text(text["value"]) if text.get("kind") == "snippet" else text["value"]
    return None


def utf16_prefix(text: str, units: int) -> str:
    """The start of ``text`` that is ``units`` UTF-16 code units long (editors count so)."""
    n = 0
    for i, ch in enumerate(text):
        if n >= units:
            return text[:i]
        n += 2 if ord(ch) > 0xFFFF else 1
    return text


def common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[-1 - i] == b[-1 - i]:
        i += 1
    return i


def accepted_region(current: str, expected: int, insert: str, replaced: str,
                    window: int = 4000) -> tuple[int, int] | None:
    """Where the newly written part of an accepted completion is in ``current``.

    ``insert`` replaced ``replaced`` at about ``expected``; what the user had already typed
    (their common prefix and suffix) is not the AI's. Looks at ``expected`` first, then for the
    nearest occurrence within ``window`` characters; ``None`` when the text is not there.
    """
    if not insert:
        return None
    if current.startswith(insert, expected):
        at = expected
    else:
        lo = max(0, expected - window)
        hi = min(len(current), expected + window + len(insert))
        best: int | None = None
        i = current.find(insert, lo, hi)
        while i != -1:
            if best is None or abs(i - expected) < abs(best - expected):
                best = i
            i = current.find(insert, i + 1, hi)
        if best is None:
            return None
        at = best
    skip = common_prefix(replaced, insert)
    tail = common_suffix(replaced[skip:], insert[skip:])
    start, end = at + skip, at + len(insert) - tail
    return (start, end) if start < end else None
