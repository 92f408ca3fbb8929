"""Settings: defaults, then ``initializationOptions``, then ``workspace/configuration``.

Each key is read on its own: a wrong value is reported in one line and replaced by the value
from the layer below (ultimately the default), the other keys still apply, and the server
never fails because of configuration (jedi-language-server's habit). Unknown keys are ignored
silently: editors send their client-side settings in the same ``tracemark`` section.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from tracemark.capture.heuristics import DEFAULT_MIN_LINES, HeuristicSettings

SECTION = "tracemark"
SCOPES = ("ai", "all")


@dataclass(frozen=True, slots=True)
class SemgrepSettings:
    enabled: bool = True
    #: Local semgrep configs (files or folders) run besides the tracemark pack.
    configs: tuple[str, ...] = ()
    #: Seconds before a run is abandoned.
    timeout: float = 60.0


@dataclass(frozen=True, slots=True)
class Settings:
    #: ``ai``: diagnostics only on AI-written lines; ``all``: everywhere.
    scope: str = "ai"
    heuristic: HeuristicSettings = field(default_factory=HeuristicSettings)
    semgrep: SemgrepSettings = field(default_factory=SemgrepSettings)
    code_lens: bool = True
    inlay_hints: bool = False
    #: Seconds between checks for spans that other writers (agent hooks) put in the ledger.
    ledger_poll: float = 2.0
    #: The project policy file (absolute, or relative to the workspace root); ``None``: the
    #: workspace's ``.tracemark/policy.yaml`` when it has one.
    policy: str | None = None
    #: Syntax trees kept at once (a tree takes ~50 times its text); see ``rules_fast``.
    live_trees: int = 24


class _Bad(Exception):
    """A value of the wrong shape: the message says what was expected."""


def _bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    raise _Bad("expected true or false")


def _number(lo: float, hi: float, *, integer: bool = False) -> Callable[[Any], float]:
    def conv(v: Any) -> float:
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        if not ok or (integer and int(v) != v):
            raise _Bad(f"expected {'an integer' if integer else 'a number'} from {lo:g} to {hi:g}")
        if not lo <= v <= hi:
            raise _Bad(f"expected {'an integer' if integer else 'a number'} from {lo:g} to {hi:g}")
        return int(v) if integer else float(v)

    return conv


def _scope(v: Any) -> str:
    if v in SCOPES:
        return str(v)
    raise _Bad('expected "ai" or "all"')


def _paths(v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [v]
    if isinstance(v, list | tuple) and all(isinstance(p, str) and p.strip() for p in v):
        return tuple(p.strip() for p in v)
    raise _Bad("expected a list of paths (files or folders)")


def _path(v: Any) -> str | None:
    if isinstance(v, str):
        return v.strip() or None
    raise _Bad("expected a path to a policy file")


def _show(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


class _Reader:
    """Reads keys from one layer onto a base, collecting one warning per bad value."""

    def __init__(self, warnings: list[str]) -> None:
        self.warnings = warnings

    def get(self, raw: Mapping[str, Any], key: str, name: str, conv: Callable[[Any], Any],
            default: Any) -> Any:
        if key not in raw or raw[key] is None:
            return default
        try:
            return conv(raw[key])
        except _Bad as err:
            self.warnings.append(
                f"setting {SECTION}.{name}: {err}, got {_show(raw[key])}; using {_show(default)}"
            )
            return default

    def section(self, raw: Mapping[str, Any], key: str, name: str) -> Mapping[str, Any] | None:
        v = raw.get(key)
        if v is None or isinstance(v, Mapping):
            return v
        self.warnings.append(
            f"setting {SECTION}.{name}: expected an object, got {_show(v)}; ignored"
        )
        return None


def unwrap(raw: Any) -> Any:
    """Accept both ``{"scope": ...}`` and ``{"tracemark": {"scope": ...}}``."""
    if isinstance(raw, Mapping) and isinstance(raw.get(SECTION), Mapping):
        return raw[SECTION]
    return raw


def parse_settings(raw: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """``raw`` (one layer of JSON settings) applied over ``base``; and what was wrong with it."""
    base = base or Settings()
    warnings: list[str] = []
    raw = unwrap(raw)
    if raw is None:
        return base, warnings
    if not isinstance(raw, Mapping):
        warnings.append(f"{SECTION} settings must be an object, got {_show(raw)}; using defaults")
        return base, warnings
    r = _Reader(warnings)

    heuristic = base.heuristic
    h = raw.get("heuristic")
    if isinstance(h, bool):
        heuristic = replace(heuristic, enabled=h)
    elif h is not None:
        hs = r.section(raw, "heuristic", "heuristic")
        if hs is not None:
            heuristic = HeuristicSettings(
                enabled=r.get(hs, "enabled", "heuristic.enabled", _bool, heuristic.enabled),
                min_lines=r.get(hs, "minLines", "heuristic.minLines",
                                _number(1, 10_000, integer=True), heuristic.min_lines),
            )

    semgrep = base.semgrep
    s = raw.get("semgrep")
    if isinstance(s, bool):
        semgrep = replace(semgrep, enabled=s)
    elif s is not None:
        ss = r.section(raw, "semgrep", "semgrep")
        if ss is not None:
            semgrep = SemgrepSettings(
                enabled=r.get(ss, "enabled", "semgrep.enabled", _bool, semgrep.enabled),
                configs=r.get(ss, "configs", "semgrep.configs", _paths, semgrep.configs),
                timeout=r.get(ss, "timeout", "semgrep.timeout", _number(1, 3600),
                              semgrep.timeout),
            )

    settings = Settings(
        scope=r.get(raw, "scope", "scope", _scope, base.scope),
        heuristic=heuristic,
        semgrep=semgrep,
        code_lens=r.get(raw, "codeLens", "codeLens", _bool, base.code_lens),
        inlay_hints=r.get(raw, "inlayHints", "inlayHints", _bool, base.inlay_hints),
        ledger_poll=r.get(raw, "ledgerPollSeconds", "ledgerPollSeconds", _number(0, 3600),
                          base.ledger_poll),
        policy=r.get(raw, "policy", "policy", _path, base.policy),
        live_trees=r.get(raw, "liveTrees", "liveTrees", _number(1, 100_000, integer=True),
                         base.live_trees),
    )
    return settings, warnings


def describe(settings: Settings) -> dict[str, Any]:
    """The settings in their wire form (what ``docs/protocol.md`` documents)."""
    return {
        "scope": settings.scope,
        "heuristic": {"enabled": settings.heuristic.enabled,
                      "minLines": settings.heuristic.min_lines},
        "semgrep": {"enabled": settings.semgrep.enabled,
                    "configs": list(settings.semgrep.configs),
                    "timeout": settings.semgrep.timeout},
        "codeLens": settings.code_lens,
        "inlayHints": settings.inlay_hints,
        "ledgerPollSeconds": settings.ledger_poll,
        "policy": settings.policy,
        "liveTrees": settings.live_trees,
    }


__all__ = ["DEFAULT_MIN_LINES", "SemgrepSettings", "Settings", "describe", "parse_settings"]
