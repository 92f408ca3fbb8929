"""Rule fixtures: ``<id>.<ext>`` beside each rule, annotated the way semgrep's tests are.

An annotation is a comment line naming rule ids; it applies to the next line that is not an
annotation itself::

    # ruleid: py-eval-injection      <- both engines must report the next line
    eval(request.args["x"])
    # ok: py-eval-injection          <- neither engine may report the next line
    ast.literal_eval(text)
    # todoruleid: py-x               <- the fast engine reports it, semgrep cannot
    # todook: py-x                   <- semgrep reports it, the fast engine rightly does not

Any line the fast engine reports for a rule must be annotated ``ruleid`` / ``todoruleid`` (the
same strictness as ``semgrep test``). ``todo*`` lines are only allowed for a rule that explains
its ``known_difference``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tracemark.rules import languages as langs
from tracemark.rules.loader import is_rule_file
from tracemark.rules.schema import Rule

KINDS = ("ruleid", "ok", "todoruleid", "todook")
_ANNOTATION = re.compile(
    r"^\s*(?:#|//|--|;)\s*(ruleid|ok|todoruleid|todook)\s*:\s*([A-Za-z0-9_,\s.-]+?)\s*$"
)


@dataclass
class Annotations:
    """1-based lines per rule id and annotation kind."""

    by_rule: dict[str, dict[str, set[int]]] = field(default_factory=dict)

    def lines(self, rule_id: str, *kinds: str) -> set[int]:
        per = self.by_rule.get(rule_id, {})
        return set().union(*(per.get(k, set()) for k in kinds)) if kinds else set()

    def fast_expected(self, rule_id: str) -> set[int]:
        return self.lines(rule_id, "ruleid", "todoruleid")

    def semgrep_expected(self, rule_id: str) -> set[int]:
        return self.lines(rule_id, "ruleid", "todook")

    def has(self, rule_id: str, kind: str) -> bool:
        return bool(self.lines(rule_id, kind))


def parse_annotations(text: str) -> Annotations:
    out = Annotations()
    pending: list[tuple[str, list[str]]] = []
    for i, line in enumerate(text.splitlines(), start=1):
        m = _ANNOTATION.match(line)
        if m:
            ids = [x.strip() for x in m.group(2).split(",") if x.strip()]
            pending.append((m.group(1), ids))
            continue
        for kind, ids in pending:
            for rid in ids:
                out.by_rule.setdefault(rid, {}).setdefault(kind, set()).add(i)
        pending = []
    return out


def fixture_files(rule: Rule) -> list[Path]:
    """The fixtures of a rule: ``<id>.<ext>`` / ``<id>.test.<ext>`` in the rule's folder."""
    if rule.source_path is None:
        return []
    folder = rule.source_path.parent
    out = []
    for p in sorted(folder.glob(f"{rule.id}.*")):
        if p == rule.source_path or is_rule_file(p) or not p.is_file():
            continue
        if p.name.split(".", 1)[0] != rule.id:
            continue
        spec = langs.for_path(p)
        if spec is not None and spec.name in rule.languages:
            out.append(p)
    return out


@dataclass
class FixtureResult:
    rule_id: str
    fixture: Path
    engine: str
    expected: set[int]
    reported: set[int]
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems and self.expected == self.reported

    def describe(self) -> str:
        missing = sorted(self.expected - self.reported)
        extra = sorted(self.reported - self.expected)
        parts = list(self.problems)
        if missing:
            parts.append(f"missed lines {missing}")
        if extra:
            parts.append(f"unexpected findings on lines {extra}")
        return f"{self.fixture.name} [{self.engine}] {self.rule_id}: " + "; ".join(parts)


def annotation_problems(rule: Rule, fixtures: Iterable[Path]) -> list[str]:
    """What is wrong with a rule's fixtures as a set (missing, no ok case, stray todo)."""
    fixtures = list(fixtures)
    if not fixtures:
        return [f"{rule.id}: no fixture ({rule.id}.<ext> beside the rule)"]
    problems = []
    ann = [parse_annotations(p.read_text(encoding="utf-8")) for p in fixtures]
    if not any(a.has(rule.id, "ruleid") or a.has(rule.id, "todoruleid") for a in ann):
        problems.append(f"{rule.id}: no 'ruleid: {rule.id}' case in its fixtures")
    if not any(a.has(rule.id, "ok") for a in ann):
        problems.append(f"{rule.id}: no 'ok: {rule.id}' case in its fixtures")
    todo = any(a.has(rule.id, "todoruleid") or a.has(rule.id, "todook") for a in ann)
    if todo and not rule.known_difference:
        problems.append(f"{rule.id}: todoruleid/todook annotations need a 'known_difference'")
    return problems


def check_fast(engine, rule: Rule, fixture: Path) -> FixtureResult:
    """Run the fast engine (whole-file and span-incremental) on one fixture of one rule."""
    text = fixture.read_text(encoding="utf-8")
    ann = parse_annotations(text)
    # Fixtures ignore a rule's ``paths:`` (a workflow rule's fixture is not in .github/).
    findings = [f for f in engine.scan_source(langs.for_path(fixture).name,
                                              text.encode("utf-8"), str(fixture))
                if f.rule_id == rule.id]
    reported = {f.start.line + 1 for f in findings}
    return FixtureResult(rule.id, fixture, "fast", ann.fast_expected(rule.id), reported)
