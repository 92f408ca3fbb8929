"""Dependency manifests: probable typosquats and hallucinated names, deprecated packages.

Query predicates (registered on import, from ``predicates.py``):

| predicate | true when |
|---|---|
| ``(#typosquat? @name pypi)`` | the package name is one edit from a top name and not itself well known |
| ``(#deprecated-package? @name npm)`` | the package is on the bundled deprecated list |
| ``(#version-open? @req)`` | no ``==``/``~=`` pin and no upper bound ``<`` (requirements node or PEP 508 string) |

The captured text may be a bare name (``reqeusts``), a quoted JSON key (``"expres"``) or a
PEP 508 string (``"reqeusts>=2"``): the leading name is used. ``#typosquat?`` reads the
rule's ``allowed_packages`` parameter (names a project vouches for). The semgrep side of the
same rules reads regexes built from the same data (``{{data.pypi_near_miss_0}}``...).
The optional registry check (policy ``registry_check: true``) is in :mod:`.registry`.
"""

from __future__ import annotations

import re

from tracemark.rules.deps.names import (
    SEMGREP_PARTS,
    deprecated,
    deprecated_regex,
    near_miss_regex,
    typosquat_target,
    well_known_near_regex,
)
from tracemark.rules.predicates import (
    Args,
    Captures,
    PredicateContext,
    _nodes,
    _param_list,
    node_text,
    register,
    register_data,
    unquote,
)

_NAME = re.compile(r"^\s*(@?[A-Za-z0-9][A-Za-z0-9._/-]*)")


def package_name(text: str) -> str:
    """``"reqeusts[socks]>=2; python_version<'3.9'"`` → ``reqeusts``."""
    m = _NAME.match(unquote(text.strip()))
    return m.group(1) if m else ""


def _ecosystem(args: Args) -> str:
    return args[1][0] if len(args) > 1 else "pypi"


@register("typosquat?")
def _typosquat(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    eco = _ecosystem(args)
    allowed = _param_list(ctx, "allowed_packages")
    nodes = _nodes(args, captures)
    return bool(nodes) and all(
        typosquat_target(package_name(node_text(n)), eco, allowed) is not None for n in nodes)


@register("deprecated-package?")
def _deprecated(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    from tracemark.rules.deps.names import normalize

    eco = _ecosystem(args)
    table = deprecated(eco)
    nodes = _nodes(args, captures)
    return bool(nodes) and all(
        normalize(package_name(node_text(n)), eco) in table for n in nodes)


for _eco in ("pypi", "npm"):
    for _part in range(SEMGREP_PARTS):
        register_data(f"{_eco}_near_miss_{_part}")(
            lambda eco=_eco, part=_part: near_miss_regex(eco, part))
    register_data(f"{_eco}_well_known_near")(lambda eco=_eco: well_known_near_regex(eco))
    register_data(f"{_eco}_deprecated")(lambda eco=_eco: deprecated_regex(eco))


_BOUNDED = re.compile(r"===?|~=|<")


@register("version-open?")
def _version_open(args: Args, captures: Captures, ctx: PredicateContext) -> bool:
    """``(#version-open? @requirement)``: no ``==``/``~=`` pin and no upper bound (``<``).

    Works on a requirements.txt ``requirement`` node (its ``version_spec`` child; a URL
    requirement is never open) and on a PEP 508 string (``"flask>=2"``).
    """
    for n in _nodes(args, captures):
        if n.type == "requirement":
            kinds = {c.type for c in n.named_children}
            if "url_spec" in kinds:
                return False
            spec = next((c for c in n.named_children if c.type == "version_spec"), None)
            text = node_text(spec) if spec is not None else ""
        else:
            text = unquote(node_text(n)).split(";", 1)[0]
            text = text[len(package_name(text)):]
            if "@" in text:
                return False
        if _BOUNDED.search(text):
            return False
    return True
