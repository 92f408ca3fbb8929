"""Run the gate over a range and turn its result into the report's document.

The heavy part is the gate's (:func:`~tracemark.gate.evaluate.verify_range`: history read in
a fixed number of git processes, each commit's trailers verified, the rules re-run on the
lines each commit adds); this module adds one more git process for the commits' author dates
and looks up each rule's category.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from tracemark.gate.evaluate import Options, verify_range
from tracemark.gate.trust import Trust
from tracemark.gitutil import git
from tracemark.report.figures import TELEMETRY, RuleInfo, build
from tracemark.rules.loader import RuleSet, default_rules


def author_dates(root: Path, shas: list[str]) -> dict[str, datetime]:
    """Each commit's author date, in one ``git log --no-walk --stdin``."""
    if not shas:
        return {}
    proc = git(["log", "--no-walk=unsorted", "--stdin", "--format=%H %aI"], root,
               input=("\n".join(shas) + "\n").encode())
    out: dict[str, datetime] = {}
    for line in proc.stdout.decode().splitlines():
        sha, _, when = line.partition(" ")
        if sha and when:
            out[sha] = datetime.fromisoformat(when)
    return out


def rule_lookup(rules: RuleSet) -> Callable[[str], RuleInfo]:
    def lookup(rule_id: str) -> RuleInfo:
        rule = rules.get(rule_id)
        if rule is None:
            return RuleInfo()
        return RuleInfo(rule.category, rule.fix.title if rule.fix is not None else None)

    return lookup


def build_report(root: Path, spec: str, trust: Trust, *, source: str = "argument",
                 check_signatures: bool = True, deep: bool = False,
                 progress: Callable[[int, int], None] | None = None,
                 rules: RuleSet | None = None) -> dict[str, Any]:
    """The ``tracemark/report/v1`` document for the commits of ``spec``."""
    rules = rules if rules is not None else default_rules()
    report = verify_range(root, spec, trust, source=source,
                          options=Options(deep=deep, check_signatures=check_signatures),
                          progress=progress)
    dates = author_dates(root, [c.commit.sha for c in report.commits])
    telemetry = sum(r.category == TELEMETRY for r in rules)
    return build(report, dates, rule_lookup(rules), telemetry_rules=telemetry)
