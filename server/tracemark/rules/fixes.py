"""Quick fixes built from a rule's ``fix:`` and the captures of one match."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tracemark.model import Fix
from tracemark.rules.schema import FixSpec

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}")
_SEPARATORS = {",", ";"}


def build_fix(spec: FixSpec, captures: dict[str, list[Node]]) -> Fix | None:
    """The edit for one match, or ``None`` when a capture it needs is missing."""
    nodes = captures.get(spec.capture)
    if not nodes:
        return None
    node = nodes[0]
    if spec.delete:
        start, end = _deletion_range(node)
        return Fix(title=spec.title, start_byte=start, end_byte=end, replacement="")
    texts: dict[str, str] = {}
    for name, found in captures.items():
        if found:
            texts[name] = (found[0].text or b"").decode("utf-8", "replace")
    missing = [m for m in _PLACEHOLDER.findall(spec.replace or "") if m not in texts]
    if missing:
        return None
    replacement = _PLACEHOLDER.sub(lambda m: texts[m.group(1)], spec.replace or "")
    return Fix(title=spec.title, start_byte=node.start_byte, end_byte=node.end_byte,
               replacement=replacement)


def _deletion_range(node: Node) -> tuple[int, int]:
    """Bytes to remove so that deleting ``node`` from a list leaves the list well formed.

    ``f(a, verify=False)`` → ``f(a)``: take the preceding comma and the space before the node.
    ``f(verify=False, a)`` → ``f(a)``: take the following comma and the space after it.
    """
    prev = node.prev_sibling
    nxt = node.next_sibling
    if prev is not None and prev.type in _SEPARATORS:
        before = prev.prev_sibling
        start = before.end_byte if before is not None else prev.start_byte
        return start, node.end_byte
    if nxt is not None and nxt.type in _SEPARATORS:
        after = nxt.next_sibling
        end = after.start_byte if after is not None and after.type not in (")", "]", "}") \
            else nxt.end_byte
        return node.start_byte, end
    return node.start_byte, node.end_byte
