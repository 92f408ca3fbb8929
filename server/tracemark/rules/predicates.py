"""Query predicates beyond tree-sitter's own, and the hook to add more.

tree-sitter (py-tree-sitter) evaluates ``#eq?``, ``#match?``, ``#any-of?`` and their ``not-`` /
``any-`` forms itself. The predicates here cover what a security rule needs on top: string
entropy for secrets, ancestry, and *parameters*: values a project tunes in its policy file
(an approved base-image list, a minimum key size), read from the rule's ``parameters``.

A predicate whose capture is absent from a match (it sits in an alternative that did not match)
holds, as tree-sitter's own do. Other packs add predicates with :func:`register`
(``@register("approved-image?")``) before the engine compiles their rules; an unknown
predicate name is a load error with file and line.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node

    from tracemark.rules.schema import Rule

#: Predicates py-tree-sitter evaluates itself.
BUILTIN = frozenset({
    "eq?", "not-eq?", "any-eq?", "any-not-eq?", "match?", "not-match?", "any-match?",
    "any-not-match?", "any-of?", "not-any-of?", "is?", "is-not?", "set!",
})  # fmt: skip

Args = list[tuple[str, str]]
Captures = dict[str, list["Node"]]


@dataclass(frozen=True)
class PredicateContext:
    """What a predicate may look at besides the captures: the rule and its parameter values."""

    rule: Rule
    params: dict[str, Any]


Predicate = Callable[[Args, Captures, PredicateContext], bool]
_REGISTRY: dict[str, Predicate] = {}


def register(name: str) -> Callable[[Predicate], Predicate]:
    """Decorator: make ``#name`` usable in queries (``name`` ends with ``?``)."""

    def deco(fn: Predicate) -> Predicate:
        _REGISTRY[name] = fn
        return fn

    return deco


#: Values semgrep rules read as ``{{data.NAME}}`` (regexes built from bundled data, such as
#: the near-miss names of the top PyPI packages); registered by the packs that own the data.
_DATA: dict[str, Callable[[], str]] = {}


def register_data(name: str) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Decorator: make ``{{data.NAME}}`` expand to the function's result in semgrep rules."""

    def deco(fn: Callable[[], str]) -> Callable[[], str]:
        _DATA[name] = fn
        return fn

    return deco


def data_value(name: str) -> str:
    """The expansion of ``{{data.NAME}}``; ``KeyError`` names the known ones."""
    try:
        return _DATA[name]()
    except KeyError:
        raise KeyError(f"unknown data placeholder {name!r} "
                       f"(known: {', '.join(sorted(_DATA))})") from None


def known(name: str) -> bool:
    return name in BUILTIN or name in _REGISTRY


def evaluate(name: str, args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    fn = _REGISTRY.get(name)
    if fn is None:  # validated at load time; refuse rather than match everything
        return False
    return fn(args, captures, ctx)


PREDICATE_NAME = re.compile(r"\(\s*#([A-Za-z][A-Za-z0-9_-]*[?!])")


def unknown_predicates(query: str) -> list[tuple[int, str]]:
    """``(line offset, name)`` of predicates in ``query`` that nobody evaluates."""
    out = []
    for m in PREDICATE_NAME.finditer(query):
        if not known(m.group(1)):
            out.append((query.count("\n", 0, m.start()), m.group(1)))
    return out


# -- helpers ---------------------------------------------------------------------------------

_QUOTED = re.compile(r"""^[A-Za-z]{0,3}("{3}|'{3}|"|'|`)(.*)\1$""", re.S)


def unquote(text: str) -> str:
    """The content of a string literal (``r"x"``, ``'''x'''``, ```x```); other text as is."""
    m = _QUOTED.match(text)
    return m.group(2) if m else text


def node_text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _nodes(args: Args, captures: Captures, i: int = 0) -> list[Node]:
    name, kind = args[i]
    return captures.get(name, []) if kind == "capture" else []


def _string(args: Args, i: int) -> str:
    if i >= len(args):
        raise ValueError("missing argument")
    return args[i][0]


def shannon_entropy(s: str) -> float:
    """Bits per character of ``s``: random keys score ~4-6, words and placeholders ~2-3."""
    if not s:
        return 0.0
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def _param_list(ctx: PredicateContext, name: str) -> list[str]:
    value = ctx.params.get(name)
    if value is None:
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    return [str(value)]


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# -- the predicates ---------------------------------------------------------------------------


@register("entropy?")
def _entropy(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#entropy? @s 3.5)``: the unquoted text has at least that many bits per character."""
    threshold = float(_string(args, 1))
    nodes = _nodes(args, captures)
    return all(shannon_entropy(unquote(node_text(n))) >= threshold for n in nodes)


@register("min-length?")
def _min_length(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#min-length? @s 16)``: the unquoted text is at least that long."""
    n = int(_string(args, 1))
    nodes = _nodes(args, captures)
    return all(len(unquote(node_text(x))) >= n for x in nodes)


@register("param-any-of?")
def _param_any_of(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#param-any-of? @x allowed)``: the unquoted text is one of parameter ``allowed``."""
    values = set(_param_list(ctx, _string(args, 1)))
    nodes = _nodes(args, captures)
    return all(unquote(node_text(n)) in values for n in nodes)


@register("not-param-any-of?")
def _not_param_any_of(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    values = set(_param_list(ctx, _string(args, 1)))
    return all(unquote(node_text(n)) not in values for n in _nodes(args, captures))


@register("param-match?")
def _param_match(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#param-match? @x patterns)``: the unquoted text matches a regex of the parameter."""
    pats = [_compiled(p) for p in _param_list(ctx, _string(args, 1))]
    nodes = _nodes(args, captures)
    return all(any(p.search(unquote(node_text(n))) for p in pats) for n in nodes)


@register("not-param-match?")
def _not_param_match(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    pats = [_compiled(p) for p in _param_list(ctx, _string(args, 1))]
    return all(not any(p.search(unquote(node_text(n))) for p in pats)
               for n in _nodes(args, captures))


@register("param-gt?")
def _param_gt(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#param-gt? @n min_bits)``: the captured number is greater than the parameter."""
    limit = float(ctx.params.get(_string(args, 1), 0))
    nodes = _nodes(args, captures)
    try:
        return all(float(node_text(n).replace("_", ""), ) > limit for n in nodes)
    except ValueError:
        return False


@register("param-lt?")
def _param_lt(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#param-lt? @n min_bits)``: the captured number is less than the parameter."""
    limit = float(ctx.params.get(_string(args, 1), 0))
    nodes = _nodes(args, captures)
    try:
        return all(float(node_text(n).replace("_", "")) < limit for n in nodes)
    except ValueError:
        return False


def _has_ancestor(nodes: list[Node], types: set[str]) -> bool:
    for n in nodes:
        p = n.parent
        while p is not None:
            if p.type in types:
                return True
            p = p.parent
    return False


@register("has-ancestor?")
def _has_ancestor_pred(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#has-ancestor? @x function_definition class_definition)``."""
    return _has_ancestor(_nodes(args, captures), {a for a, _ in args[1:]})


@register("not-has-ancestor?")
def _not_has_ancestor(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    return not _has_ancestor(_nodes(args, captures), {a for a, _ in args[1:]})


_FROM_IMPORT = re.compile(rb"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.M)


def _root(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


def _imported_names(source: bytes, module: str) -> set[str]:
    """Local names bound by ``from MODULE import a, b as c`` anywhere in the file."""
    names: set[str] = set()
    for m in _FROM_IMPORT.finditer(source):
        if m.group(1).decode("ascii", "replace") != module:
            continue
        for part in m.group(2).strip(b"() \t\r\n").replace(b"\n", b" ").split(b","):
            words = part.split()
            if not words:
                continue
            names.add((words[2] if len(words) == 3 and words[1] == b"as" else words[0]).decode(
                "utf-8", "replace"))
    return names


@register("imported-from?")
def _imported_from(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#imported-from? @fn "os" "subprocess")``: the bare name was imported from a module.

    ``system(cmd)`` is ``os.system(cmd)`` only after ``from os import system``; semgrep
    resolves such imports itself, this keeps the fast engine in step.
    """
    nodes = _nodes(args, captures)
    if not nodes:
        return True
    source = _root(nodes[0]).text or b""
    modules = [a for a, _ in args[1:]]
    wanted = {node_text(n) for n in nodes}
    return any(wanted <= _imported_names(source, m) for m in modules)


# The configuration-file and dependency predicates register themselves on import; they live
# in their own modules (structure: keys, siblings, ranges, images; deps: package names).
from tracemark.rules import deps as _deps  # noqa: E402, F401
from tracemark.rules import structure as _structure  # noqa: E402, F401
