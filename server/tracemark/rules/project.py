"""One function builds the rules engine for a project root, with its policy applied.

The editor, ``tracemark scan`` and the CI gate all call :func:`engine_for_project`, so a policy
file means the same thing everywhere: rules turned off (per path), severities changed,
parameters (approved base images, allowed ports, allowed action owners...) set.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from tracemark.policy import KnownRules, Policy, policy_for
from tracemark.rules.engine import Engine
from tracemark.rules.loader import RuleSet, default_rules
from tracemark.rules.settings import RuleSettings


def known_rules(rules: RuleSet) -> KnownRules:
    """``{rule id: {parameter: default}}`` for policy validation."""
    return {r.id: {n: p.default for n, p in r.parameters.items()} for r in rules}


def settings_function(policy: Policy, rules: RuleSet, root: Path):
    """``path -> RuleSettings`` for the engine: the policy's decisions, resolved per rule.

    Paths may be absolute or relative to the working directory (``scan``'s display paths); scopes
    match root-relative POSIX paths, and a path outside the root gets the top-level choices.
    """
    root = root.resolve()
    by_param: dict[str, list[str]] = {}
    for r in rules:
        for name in r.parameters:
            by_param.setdefault(name, []).append(r.id)

    @lru_cache(maxsize=4096)
    def for_rel(rel: str | None) -> RuleSettings:
        d = policy.decisions_for(rel)
        params: dict[str, dict[str, Any]] = {}
        for name, value in d.parameters.items():
            for rid in by_param.get(name, []):
                params.setdefault(rid, {})[name] = value
        return RuleSettings(disabled=frozenset(d.disabled), severity=dict(d.severity),
                            parameters=params)

    def settings(path: str | None) -> RuleSettings:
        return for_rel(relative_path(path, root))

    return settings


def relative_path(path: str | os.PathLike[str] | None, root: Path) -> str | None:
    """``path`` relative to ``root`` as POSIX (``None`` when outside it or unknown)."""
    if path is None:
        return None
    p = Path(path)
    if not p.is_absolute():  # relative to the working directory, as scan displays them
        p = Path.cwd() / p
    try:
        return p.resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return None


def engine_for_project(root: str | os.PathLike[str], policy_path: str | os.PathLike[str]
                       | None = None, *, rules: RuleSet | None = None,
                       policy: Policy | None = None) -> Engine:
    """The engine for a project: its rules with its policy file (or ``policy_path``) applied.

    A broken policy file raises :class:`tracemark.errors.InputError` with
    ``FILE:LINE: field.path: reason``; a project without one gets the defaults.
    """
    root_path = Path(root)
    rules = rules if rules is not None else default_rules()
    if policy is None:
        policy = policy_for(root_path, Path(policy_path) if policy_path else None,
                            known_rules=known_rules(rules))
    engine = Engine(rules, settings=settings_function(policy, rules, root_path))
    engine.policy = policy  # type: ignore[attr-defined]  # for callers that report it
    return engine
