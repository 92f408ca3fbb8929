"""Do the fast engine and semgrep say the same thing? Line by line, on every fixture.

One semgrep run covers every rule and fixture (one process, not one per rule). A rule may
differ only on lines its fixture marks ``todoruleid`` / ``todook`` and only when it explains
the difference in ``known_difference``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracemark.rules.engine import Engine
from tracemark.rules.languages import for_path
from tracemark.rules.fixtures import parse_annotations
from tracemark.rules.loader import RuleSet
from tracemark.rules.semgrep import run_semgrep


@dataclass
class EngineLines:
    rule_id: str
    fixture: Path
    fast: set[int]
    semgrep: set[int]
    allowed: set[int]

    @property
    def unexplained(self) -> set[int]:
        return (self.fast ^ self.semgrep) - self.allowed


def engine_lines(rules: RuleSet, fixtures: dict[str, list[Path]], engine: Engine,
                 timeout: float = 300.0) -> list[EngineLines]:
    """Reported lines (1-based) of both engines for every rule on each of its fixtures."""
    paths = sorted({p.resolve() for ps in fixtures.values() for p in ps})
    result = run_semgrep(paths, rules=rules, timeout=timeout, ignore_paths=True,
                         path_map={str(p): str(p) for p in paths})
    if result.reason:
        raise RuntimeError(result.reason)
    by_key: dict[tuple[str, str], set[int]] = {}
    for f in result.findings:
        by_key.setdefault((f.rule_id, str(Path(f.path or "").resolve())), set()).add(
            f.start.line + 1)
    out = []
    for rule in rules:
        for fx in fixtures.get(rule.id, []):
            text = fx.read_text(encoding="utf-8")
            fast = {f.start.line + 1 for f in engine.scan_source(
                for_path(fx).name, text.encode("utf-8"), str(fx)) if f.rule_id == rule.id}
            ann = parse_annotations(text)
            allowed = ann.lines(rule.id, "todoruleid", "todook") if rule.known_difference \
                else set()
            out.append(EngineLines(rule.id, fx, fast,
                                   by_key.get((rule.id, str(fx.resolve())), set()), allowed))
    return out


def compare_engines(rules: RuleSet, fixtures: dict[str, list[Path]], engine: Engine
                    ) -> list[str]:
    """One line per unexplained disagreement (empty when the engines agree)."""
    problems = []
    for item in engine_lines(rules, fixtures, engine):
        bad = item.unexplained
        if bad:
            only_fast = sorted(bad & item.fast)
            only_sg = sorted(bad & item.semgrep)
            problems.append(
                f"{item.fixture.name} {item.rule_id}: engines disagree"
                + (f"; only fast on lines {only_fast}" if only_fast else "")
                + (f"; only semgrep on lines {only_sg}" if only_sg else ""))
    return problems
