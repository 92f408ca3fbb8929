"""YAML read with its positions, so that rule files and the policy file can say ``file:line``.

Both are parsed twice from the same text: ``yaml.compose`` keeps the line of every key, and
``yaml.safe_load`` gives the plain data the pydantic models validate; a validation error's
location (``("rules", 2, "id")``) is then turned back into the line of the deepest key found.
``yaml`` is imported inside the functions: the commit hook's fast path never reads rule files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class YamlProblem(Exception):
    """Text that is not valid YAML: the 1-based line and the parser's reason."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"{line}: {reason}")
        self.line = line
        self.reason = reason


def compose_and_load(text: str) -> tuple[Any, Any]:
    """``(node tree, data)`` of ``text``; :class:`YamlProblem` when it is not YAML."""
    import yaml

    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise YamlProblem(line, reason) from None


def child(node: Any, key: Any) -> tuple[Any, Any] | None:
    """``(key node, value node)`` of ``key`` in a mapping, or ``(item, item)`` of index ``key``
    in a sequence; ``None`` when there is no such child."""
    import yaml

    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if str(k.value) == str(key):
                return k, v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        item = node.value[key]
        return item, item
    return None


def line_of(node: Any, loc: Sequence[Any], default: int = 1) -> int:
    """1-based line of the deepest part of ``loc`` found under ``node`` (``default`` when not
    even the first part is there)."""
    line = default
    cur = node
    for part in loc:
        found = child(cur, part)
        if found is None:
            break
        key, cur = found
        line = key.start_mark.line + 1
    return line


def value_line(node: Any, key: str) -> int:
    """1-based line where the value of a top-level ``key`` starts (the line after a ``|`` or
    ``>`` indicator, where a block scalar's text begins)."""
    import yaml

    found = child(node, key)
    if found is None:
        return 1
    _, value = found
    line = value.start_mark.line + 1
    if isinstance(value, yaml.ScalarNode) and value.style in ("|", ">"):
        line += 1
    return line
