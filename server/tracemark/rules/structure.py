"""Predicates for configuration files, where what is *missing* or *where* matters.

tree-sitter queries match what is there; infrastructure rules also need "this mapping has no
``permissions`` key", "no ``USER`` instruction follows this ``FROM``", "the port range covers
22", "the workflow is triggered by ``pull_request_target``". These predicates answer such
questions from the syntax tree, for YAML, HCL, JSON, TOML and Dockerfiles alike, and each has a
semgrep counterpart (``pattern-not``, ``pattern-not-inside``, ``metavariable-comparison``) in
the rules that use it. Registered on import (see the end of ``predicates.py``).

| predicate | true when |
|---|---|
| ``(#no-later-sibling? @x type ...)`` | no later sibling of ``@x`` has one of the node types |
| ``(#has-key? @map "k" ...)`` / ``(#not-has-key? ...)`` | the mapping/body/object has (none of) the keys |
| ``(#has-pair? @map "k" "regex")`` / ``(#not-has-pair? ...)`` | a key (fully) matching ``k`` (a dotted path) whose value matches |
| ``(#document-not-has-key? @x "k")`` | the document's top-level mapping has no key ``k`` |
| ``(#top-level? @pair)`` | the pair is in the document's top-level mapping |
| ``(#document-match? @x "regex")`` / ``(#document-not-match? ...)`` | the whole file matches |
| ``(#range-includes? @from @to 22 3389)`` | ``from <= p <= to`` for one of the numbers |
| ``(#not-param-glob? @x NAME)`` / ``(#param-glob? ...)`` | the text matches (none of) the globs |
| ``(#image-unapproved? @img)`` | a Dockerfile/Kubernetes image is not on the approved lists |
| ``(#not-stage-alias? @img)`` | the image is not the name of an earlier build stage |
| ``(#owner-not-in? @uses NAME)`` | the ``owner`` of ``owner/repo@ref`` matches none of the globs |
| ``(#not-param-port? @p NAME)`` | the port (``8080/tcp``) is not one of the parameter's |
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import cache
from typing import TYPE_CHECKING

from tracemark.rules.predicates import (
    Args,
    Captures,
    PredicateContext,
    _nodes,
    _param_list,
    node_text,
    register,
    unquote,
)

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node


def _args(args: Args, start: int) -> list[str]:
    return [a for a, _ in args[start:]]


# -- siblings ---------------------------------------------------------------------------------


@register("no-later-sibling?")
def _no_later_sibling(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#no-later-sibling? @from from_instruction user_instruction)``."""
    types = set(_args(args, 1))
    for node in _nodes(args, captures):
        sib = node.next_named_sibling
        while sib is not None:
            if sib.type in types:
                return False
            sib = sib.next_named_sibling
    return True


# -- keys of mappings (YAML, HCL bodies, JSON objects, TOML tables) ---------------------------

_YAML_PAIRS = {"block_mapping_pair", "flow_pair"}


def _mapping(node: Node) -> Node:
    """The mapping a capture stands for: a YAML pair or node is looked through to its value."""
    cur = node
    for _ in range(4):
        if cur.type == "block_mapping_pair" or cur.type == "flow_pair":
            value = cur.child_by_field_name("value")
            if value is None:
                return cur
            cur = value
        elif cur.type in ("block_node", "flow_node") and cur.named_child_count == 1:
            cur = cur.named_children[0]
        else:
            break
    return cur


def _scalar(node: Node | None) -> str:
    if node is None:
        return ""
    return unquote(node_text(node).strip())


def pairs(mapping: Node) -> list[tuple[str, Node | None]]:
    """``(key, value node)`` of a YAML mapping, an HCL body, a JSON object or a TOML table."""
    out: list[tuple[str, Node | None]] = []
    for child in _mapping(mapping).named_children:
        if child.type in _YAML_PAIRS or child.type == "pair":  # YAML, JSON, TOML pair
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is None and child.named_child_count:  # TOML pairs have no field names
                key = child.named_children[0]
                value = child.named_children[-1] if child.named_child_count > 1 else None
            out.append((_scalar(key), value))
        elif child.type == "attribute":  # HCL: name = value
            ident = child.named_children[0] if child.named_child_count else None
            value = child.named_children[1] if child.named_child_count > 1 else None
            out.append((node_text(ident) if ident is not None else "", value))
        elif child.type == "block" and child.named_child_count:  # HCL: name { ... }
            out.append((node_text(child.named_children[0]), child))
        elif child.type == "object_elem":  # HCL: { key = value } objects
            out.append((_scalar(child.child_by_field_name("key")),
                        child.child_by_field_name("val")))
    return out


def has_key(mapping: Node, keys: set[str]) -> bool:
    return any(k in keys for k, _ in pairs(mapping))


@register("has-key?")
def _has_key(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    keys = set(_args(args, 1))
    return all(has_key(n, keys) for n in _nodes(args, captures))


@register("not-has-key?")
def _not_has_key(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#not-has-key? @job "permissions")``: the mapping has none of the keys."""
    keys = set(_args(args, 1))
    return all(not has_key(n, keys) for n in _nodes(args, captures))


@cache
def _re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def has_pair(mapping: Node, key_re: str, value_re: str) -> bool:
    """A key fully matching ``key_re`` whose (unquoted) value matches ``value_re``.

    ``key_re`` may be a dotted path (``securityContext.runAsNonRoot``): each part is looked
    up in the mapping the previous one holds.
    """
    *outer, last = key_re.split(".")
    current = [mapping]
    for part in outer:
        part_pat = _re(part)
        current = [v for m in current for k, v in pairs(m)
                   if v is not None and part_pat.fullmatch(k)]
    key_pat, pat = _re(last), _re(value_re)
    return any(key_pat.fullmatch(k) and pat.search(_scalar(v))
               for m in current for k, v in pairs(m))


@register("has-pair?")
def _has_pair(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    key, value_re = _args(args, 1)[:2]
    return all(has_pair(n, key, value_re) for n in _nodes(args, captures))


@register("not-has-pair?")
def _not_has_pair(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#not-has-pair? @spec "automountServiceAccountToken" "^false$")``."""
    key, value_re = _args(args, 1)[:2]
    return all(not has_pair(n, key, value_re) for n in _nodes(args, captures))


# -- the whole document -----------------------------------------------------------------------


def _root(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node


_MAPPINGS = {"block_mapping", "flow_mapping", "object", "body", "document"}


def _holds_pairs(node: Node) -> bool:
    return any(c.type in _YAML_PAIRS or c.type in ("pair", "attribute", "block")
               for c in node.named_children)


def top_mapping(node: Node) -> Node | None:
    """The outermost mapping around ``node``: a YAML document's, the JSON object, HCL body."""
    top = None
    cur: Node | None = node
    while cur is not None:
        if cur.type in _MAPPINGS and cur.type != "document":
            top = cur
        elif cur.type == "ERROR" and _holds_pairs(cur):
            # A half-typed file: tree-sitter's error recovery puts the top-level pairs straight
            # under an ERROR node instead of a mapping. It still is the mapping they belong to.
            top = cur
        elif cur.type == "document":  # YAML: one document of a stream is the boundary
            break
        cur = cur.parent
    return top


#: ``(the top mapping's span and text hash, keys) -> has them``: one query pass asks about the
#: same top-level mapping once per job. Keyed by content, not node id (ids are reused).
_TOP_KEYS: dict[tuple[int, int, int, frozenset[str]], bool] = {}


@register("document-not-has-key?")
def _document_not_has_key(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#document-not-has-key? @x "permissions")``: the top-level mapping lacks the keys."""
    keys = frozenset(_args(args, 1))
    for n in _nodes(args, captures):
        top = top_mapping(n)
        if top is None:
            continue
        memo = (top.start_byte, top.end_byte, hash(top.text), keys)
        found = _TOP_KEYS.get(memo)
        if found is None:
            if len(_TOP_KEYS) > 256:
                _TOP_KEYS.clear()
            found = _TOP_KEYS[memo] = has_key(top, set(keys))
        if found:
            return False
    return True


@register("top-level?")
def _top_level(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#top-level? @pair)``: the pair belongs to the document's top-level mapping."""
    for n in _nodes(args, captures):
        parent = n.parent
        if parent is None or top_mapping(n) != parent:
            return False
    return True


@register("document-match?")
def _document_match(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#document-match? @x "pull_request_target")``: the file's text matches (multiline)."""
    pat = _re(_args(args, 1)[0], re.M)
    return all(pat.search(node_text(_root(n))) for n in _nodes(args, captures))


@register("document-not-match?")
def _document_not_match(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    pat = _re(_args(args, 1)[0], re.M)
    return all(not pat.search(node_text(_root(n))) for n in _nodes(args, captures))


# -- numbers ----------------------------------------------------------------------------------


def _number(node: Node) -> float | None:
    try:
        return float(unquote(node_text(node)).replace("_", ""))
    except ValueError:
        return None


@register("range-includes?")
def _range_includes(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#range-includes? @from @to 22 3389)``: ``from <= p <= to`` for some ``p``."""
    lows, highs = _nodes(args, captures, 0), _nodes(args, captures, 1)
    if not lows or not highs:
        return True  # an absent capture holds, as for tree-sitter's own predicates
    lo, hi = _number(lows[0]), _number(highs[0])
    if lo is None or hi is None:
        return False
    return any(lo <= float(p) <= hi for p in _args(args, 2))


# -- globs from parameters --------------------------------------------------------------------


def glob_hit(text: str, globs: list[str]) -> bool:
    """fnmatch-style globs (``*`` and ``?``, ``*`` crosses ``/``), case-sensitive."""
    return any(fnmatchcase(text, g) for g in globs)


def glob_regex(glob: str) -> str:
    """The PCRE/Python regex (unanchored) for one glob, as the semgrep export writes it."""
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob)


@register("param-glob?")
def _param_glob(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    globs = _param_list(ctx, _args(args, 1)[0])
    return all(glob_hit(unquote(node_text(n)), globs) for n in _nodes(args, captures))


@register("not-param-glob?")
def _not_param_glob(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#not-param-glob? @owner allowed_owners)``: matches none of the parameter's globs."""
    globs = _param_list(ctx, _args(args, 1)[0])
    return all(not glob_hit(unquote(node_text(n)), globs) for n in _nodes(args, captures))


# -- container images -------------------------------------------------------------------------

_DOCKER_HUB = re.compile(r"^(?:(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)/)?"
                         r"(?:library/)?")


def image_name(ref: str) -> str:
    """``docker.io/library/python:3.12@sha256:..`` → ``python``: Docker Hub spelled short."""
    name = ref.split("@", 1)[0]
    last = name.rsplit("/", 1)
    if ":" in last[-1]:  # a tag (a registry port is before the last slash)
        name = name[: len(name) - len(last[-1]) + last[-1].index(":")]
    return _DOCKER_HUB.sub("", name, count=1)


def image_approved(ref: str, images: list[str], registries: list[str]) -> bool:
    """On the approved image globs (Docker Hub names short) or under an approved registry."""
    full = ref.split("@", 1)[0]
    if glob_hit(image_name(ref), images):
        return True
    return any(full.startswith(r.rstrip("/") + "/") for r in registries)


@register("image-unapproved?")
def _image_unapproved(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#image-unapproved? @img)``: parameters ``approved_images``, ``approved_registries``.

    ``scratch`` and images spelled with a build variable (``$BASE``) are never reported.
    """
    images = _param_list(ctx, "approved_images")
    registries = _param_list(ctx, "approved_registries")
    for n in _nodes(args, captures):
        ref = unquote(node_text(n)).strip()
        if ref == "scratch" or "$" in ref or image_approved(ref, images, registries):
            return False
    return True


@register("not-stage-alias?")
def _not_stage_alias(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#not-stage-alias? @name)``: not the ``AS`` name of an earlier ``FROM`` (a stage)."""
    for n in _nodes(args, captures):
        name = node_text(n)
        stmt = n
        while stmt.parent is not None and stmt.type != "from_instruction":
            stmt = stmt.parent
        prev = stmt.prev_named_sibling
        while prev is not None:
            if prev.type == "from_instruction":
                alias = prev.child_by_field_name("as")
                if alias is not None and node_text(alias).lower() == name.lower():
                    return False
            prev = prev.prev_named_sibling
    return True


@register("not-param-port?")
def _not_param_port(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#not-param-port? @port allowed_ports)``: ``8080/tcp`` is judged as ``8080``."""
    allowed = set(_param_list(ctx, _args(args, 1)[0]))
    for n in _nodes(args, captures):
        port = re.sub(r"/(?:tcp|udp)$", "", node_text(n).strip(), flags=re.I)
        if port in allowed:
            return False
    return True


@register("owner-not-in?")
def _owner_not_in(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#owner-not-in? @uses trusted_owners)``: ``owner/repo@ref``'s owner matches no glob."""
    globs = _param_list(ctx, _args(args, 1)[0])
    for n in _nodes(args, captures):
        owner = unquote(node_text(n).strip()).split("/", 1)[0]
        if glob_hit(owner, globs):
            return False
    return True
