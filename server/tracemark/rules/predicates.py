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
from functools import cache, lru_cache
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


_LITERALS = frozenset({"integer", "float", "number", "true", "false", "none", "null",
                       "undefined"})
_WRAPPERS = frozenset({"parenthesized_expression", "concatenated_string", "binary_expression",
                       "binary_operator", "unary_expression", "unary_operator"})


def is_constant(node: Node) -> bool:
    """A literal, or literals combined by operators: what semgrep's ``"..."`` also matches.

    Written by hand because tree-sitter queries cannot say "any node but a literal" across
    grammars (TypeScript adds ``as_expression``, ``non_null_expression``... that JavaScript's
    grammar refuses in a query). semgrep folds ``"a" + "b"`` into a constant; so does this.
    Names bound to constants elsewhere are not followed (semgrep does: see docs/rules.md).
    """
    t = node.type
    if t in _LITERALS:
        return True
    if t == "string":  # Python (f-strings hold ``interpolation``) and JavaScript strings
        return not any(c.type == "interpolation" for c in node.named_children)
    if t == "template_string":
        return not any(c.type == "template_substitution" for c in node.named_children)
    if t in _WRAPPERS:
        kids = [c for c in node.named_children if c.type != "comment"]
        return bool(kids) and all(is_constant(c) for c in kids)
    return False


@register("constant?")
def _constant(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#constant? @x)``: the node is a literal (or literals joined by operators)."""
    return all(is_constant(n) for n in _nodes(args, captures))


@register("not-constant?")
def _not_constant(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#not-constant? @x)``: the node is computed at run time (names, calls, f-strings...)."""
    return all(not is_constant(n) for n in _nodes(args, captures))


_FROM_IMPORT = re.compile(rb"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)", re.M)
_PY_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([^\n#;]+)", re.M)
_QUOTED_MOD = rb"""\s*["'](?:node:)?([\w@./-]+)["']"""
#: ``import {a, b as c} from "m"`` / ``import d, {a} from "m"``
_JS_NAMED = re.compile(rb"\bimport\s+(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from" + _QUOTED_MOD)
#: ``const {a, b: c} = require("m")``
_JS_DESTRUCTURE = re.compile(rb"\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\s*\(" + _QUOTED_MOD)
#: ``const cp = require("m")`` / ``import cp from "m"`` / ``import * as cp from "m"``
_JS_ALIAS = re.compile(rb"\b(?:(?:const|let|var)\s+([\w$]+)\s*=\s*require\s*\("
                       rb"|import\s+(?:\*\s+as\s+)?([\w$]+)\s*(?:,\s*\{[^}]*\})?\s*from)"
                       + _QUOTED_MOD)


def _root(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


@dataclass
class _Bindings:
    """Names a file binds by importing: ``members[m]`` from module m, ``aliases[m]`` to m."""

    members: dict[str, set[str]]
    aliases: dict[str, set[str]]


def _add(table: dict[str, set[str]], module: bytes, name: bytes | str) -> None:
    if isinstance(name, bytes):
        name = name.decode("utf-8", "replace")
    table.setdefault(module.decode("utf-8", "replace"), set()).add(name.strip())


def _import_text(source: bytes) -> bytes:
    """Only the lines of ``source`` that can bind imports (``import``/``require``, with their
    parenthesised or braced continuation lines).

    Found with ``bytes.find`` (memchr speed) so that a keystroke in a 5,000-line file costs
    microseconds, and so the parsed bindings stay cached while the imports do not change.
    """
    segments: dict[int, bytes] = {}
    for word in (b"import", b"require"):
        i = source.find(word)
        while i >= 0:
            start = source.rfind(b"\n", 0, i) + 1
            end = source.find(b"\n", i)
            end = len(source) if end < 0 else end
            lines = 0
            while lines < 50 and start > 0:  # ``const {\n a,\n} = require(...)``
                seg = source[start:end]
                if seg.count(b"(") + seg.count(b"{") >= seg.count(b")") + seg.count(b"}"):
                    break
                start = source.rfind(b"\n", 0, start - 1) + 1
                lines += 1
            lines = 0
            while lines < 50 and end < len(source):
                seg = source[start:end]
                if seg.count(b"(") + seg.count(b"{") <= seg.count(b")") + seg.count(b"}"):
                    break
                nxt = source.find(b"\n", end + 1)
                end = len(source) if nxt < 0 else nxt
                lines += 1
            segments.setdefault(start, source[start:end])
            i = source.find(word, end)
    return b"\n".join(segments[k] for k in sorted(segments))


def _bindings(source: bytes) -> _Bindings:
    return _parse_bindings(_import_text(source))


@lru_cache(maxsize=16)
def _parse_bindings(source: bytes) -> _Bindings:
    """Every import binding of a Python or JavaScript/TypeScript file (regexes over the text:
    cheap, and they work on half-typed files that do not parse)."""
    b = _Bindings({}, {})
    if b"import" not in source and b"require" not in source:
        return b
    for m in _FROM_IMPORT.finditer(source):
        for part in m.group(2).strip(b"() \t\r\n").replace(b"\n", b" ").split(b","):
            words = part.split()
            if words:
                _add(b.members, m.group(1), words[2] if len(words) == 3 and words[1] == b"as"
                     else words[0])
    for m in _PY_IMPORT.finditer(source):
        for part in m.group(1).split(b","):
            words = part.split()
            if len(words) == 3 and words[1] == b"as":
                _add(b.aliases, words[0], words[2])
            elif len(words) == 1:
                _add(b.aliases, words[0], words[0].split(b".")[0])
    for rx, sep in ((_JS_NAMED, b" as "), (_JS_DESTRUCTURE, b":")):
        for m in rx.finditer(source):
            for part in m.group(1).split(b","):
                name = part.split(sep)[-1].strip()
                if name:
                    _add(b.members, m.group(2), name)
    for m in _JS_ALIAS.finditer(source):
        _add(b.aliases, m.group(3), m.group(1) or m.group(2))
    return b


@register("imported-from?")
def _imported_from(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#imported-from? @fn "os" "subprocess")``: the bare name was imported from a module.

    ``system(cmd)`` is ``os.system(cmd)`` only after ``from os import system``; ``exec(cmd)``
    is child_process's after ``const {exec} = require("child_process")`` or ``import {exec}
    from "child_process"``. semgrep resolves such imports itself; this keeps the fast engine
    in step.
    """
    nodes = _nodes(args, captures)
    if not nodes:
        return True
    members = _bindings(_root(nodes[0]).text or b"").members
    wanted = {node_text(n) for n in nodes}
    return any(wanted <= members.get(a, set()) for a, _ in args[1:])


@register("module?")
def _module(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#module? @obj "child_process")``: the name is the module, by name or by an import
    (``const cp = require("child_process")``, ``import * as cp from ...``, ``import os as o``).
    """
    nodes = _nodes(args, captures)
    if not nodes:
        return True
    modules = [a for a, _ in args[1:]]
    wanted = {node_text(n) for n in nodes}
    if wanted <= set(modules):
        return True
    aliases = _bindings(_root(nodes[0]).text or b"").aliases
    return any(wanted <= aliases.get(m, set()) for m in modules)


# The configuration-file and dependency predicates register themselves on import; they live
# in their own modules (structure: keys, siblings, ranges, images; deps: package names).
from tracemark.rules import deps as _deps  # noqa: E402, F401
from tracemark.rules import structure as _structure  # noqa: E402, F401
