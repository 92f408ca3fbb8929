"""The report's figures (``tracemark/report/v1``), computed from the gate's result alone.

A pure function of :class:`~tracemark.gate.report.VerifyReport` (which commits, which lines
are AI by which tool and model, which findings on which lines), the commits' dates and the
rules' categories: everything the Markdown and HTML renderers show is in this document, and
they show nothing else.

Counting conventions (``docs/report.md``):

- a commit's lines are its own (a merge: its conflict resolutions only), as ``verify`` and
  ``stats`` count them; AI lines are ``ai`` + ``ai_modified`` + ``reviewed``;
- findings are those on AI lines (origin ``ai``, ``ai-modified``, ``reviewed``), each match
  once (a finding repeated by a later commit of the range is not counted again), including
  those fixed later in the range (``open`` says how many are still there at its last commit):
  the report is about what the tools wrote, not only about what is left;
- "per 1,000 AI lines" divides a tool's (or model's) findings by the AI lines it wrote in the
  range;
- days are UTC calendar days of the author date (when the code was written, which a rebase
  keeps).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tracemark.gate.evaluate import _own_ai_lines
from tracemark.gate.report import LINE_KINDS, CommitResult, GateFinding, VerifyReport

SCHEMA = "tracemark/report/v1"
#: The rule category the report calls out on its own (rules that mute logs, swallow errors,
#: switch off tracing: the signals that would reveal a problem).
TELEMETRY = "telemetry-integrity"
SEVERITIES = ("error", "warning", "info")
AI_KINDS = ("ai", "ai_modified", "reviewed")


@dataclass(frozen=True)
class RuleInfo:
    """What the report needs to know about a rule beyond its findings."""

    category: str | None = None
    fix: str | None = None


RuleLookup = Callable[[str], RuleInfo]


def label(tool: str | None, model: str | None) -> str:
    """``tool:model`` (the ``Assisted-by`` form), or the tool alone."""
    tool = tool or "unknown"
    return f"{tool}:{model}" if model else tool


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _per_1000(findings: int, lines: int) -> float | None:
    return round(1000 * findings / lines, 2) if lines else None


def _ai_total(lines: Mapping[str, int]) -> int:
    return sum(lines.get(k, 0) for k in AI_KINDS)


def ai_lines_by_tool(r: CommitResult) -> dict[tuple[str, str | None], dict[str, int]]:
    """``(tool, model) → {ai, ai_modified, reviewed}`` for a commit's own AI lines, counted
    the way the gate counts them (so they add up to its ``lines``)."""
    own = r.commit.own_lines()
    out: dict[tuple[str, str | None], dict[str, int]] = {}
    for by_line in _own_ai_lines(r.verification, own).values():
        for a in by_line.values():
            kind = a.kind.replace("-", "_")
            kind = kind if kind in AI_KINDS else "ai"
            out.setdefault((a.tool, a.model), dict.fromkeys(AI_KINDS, 0))[kind] += 1
    return out


def _finding_json(g: GateFinding, rules: RuleLookup, day: str | None) -> dict[str, Any]:
    info = rules(g.finding.rule_id)
    return {**g.json(), "label": label(g.tool, g.model), "category": info.category,
            "day": day}


def _by_rule(items: list[dict[str, Any]], rules: RuleLookup) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in items:
        groups[f["rule"]].append(f)
    out = []
    for rule, fs in groups.items():
        info = rules(rule)
        worst = min((SEVERITIES.index(f["severity"]) for f in fs), default=0)
        cwe = sorted({c for f in fs for c in f["cwe"]})
        tools = Counter(f["label"] for f in fs)
        out.append({
            "rule": rule, "severity": SEVERITIES[worst], "category": info.category,
            "cwe": cwe, "count": len(fs), "open": sum(not f["resolved"] for f in fs),
            "tools": dict(sorted(tools.items(), key=lambda kv: (-kv[1], kv[0]))),
            "message": fs[0]["message"], "fix": info.fix,
        })
    out.sort(key=lambda r: (-r["count"], SEVERITIES.index(r["severity"]), r["rule"]))
    return out


def _grouped(items: list[dict[str, Any]], key: Callable[[dict[str, Any]], Iterable[str]],
             name: str) -> list[dict[str, Any]]:
    counts: Counter[str] = Counter()
    rules: dict[str, set[str]] = defaultdict(set)
    for f in items:
        for k in key(f):
            counts[k] += 1
            rules[k].add(f["rule"])
    return [{name: k, "count": n, "rules": sorted(rules[k])}
            for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def _severity_counts(items: Iterable[dict[str, Any]]) -> dict[str, int]:
    out = dict.fromkeys(SEVERITIES, 0)
    for f in items:
        out[f["severity"]] += 1
    return out


def build(report: VerifyReport, dates: Mapping[str, datetime], rules: RuleLookup, *,
          telemetry_rules: int = 0) -> dict[str, Any]:
    """The ``tracemark/report/v1`` document for a verified range.

    ``dates``: each commit's author date (aware, any zone); ``rules``: category and fix title
    per rule id; ``telemetry_rules``: how many rules of the pack are in the telemetry-integrity
    category (so that "none found" can be told from "not checked").
    """
    # -- lines, per commit and per day ---------------------------------------------------------
    commits: list[dict[str, Any]] = []
    days: dict[str, dict[str, Any]] = {}
    tool_lines: dict[tuple[str, str | None], dict[str, int]] = {}
    tool_commits: Counter[tuple[str, str | None]] = Counter()
    assisted: set[str] = set()
    day_of: dict[str, str | None] = {}
    for r in report.commits:
        sha = r.commit.sha
        when = dates.get(sha)
        utc = when.astimezone(UTC) if when else None
        day = utc.date().isoformat() if utc else None
        day_of[sha] = day
        by_tool = ai_lines_by_tool(r)
        for key, counts in by_tool.items():
            acc = tool_lines.setdefault(key, dict.fromkeys(AI_KINDS, 0))
            for k, v in counts.items():
                acc[k] += v
            tool_commits[key] += 1
        assisted.update(r.verification.assisted_by)
        labels = {label(*k): sum(v.values()) for k, v in sorted(
            by_tool.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))}
        ai_n = r.ai_lines
        commits.append({
            "commit": sha, "subject": r.commit.subject, "date": utc.isoformat() if utc else None,
            "day": day, "status": r.status.value, "merge": r.commit.is_merge,
            "lines": dict(r.lines), "ai_lines": ai_n, "ai_share": _share(ai_n, r.lines["added"]),
            "by_tool": labels,
        })
        if day is not None:
            d = days.setdefault(day, {"day": day, "commits": 0,
                                      "lines": dict.fromkeys(LINE_KINDS, 0), "by_tool": {}})
            d["commits"] += 1
            for k, v in r.lines.items():
                d["lines"][k] += v
            for lab, n in labels.items():
                d["by_tool"][lab] = d["by_tool"].get(lab, 0) + n
    day_rows = []
    for day in sorted(days):
        d = days[day]
        ai_n = _ai_total(d["lines"])
        day_rows.append({**d, "ai_lines": ai_n, "ai_share": _share(ai_n, d["lines"]["added"]),
                         "by_tool": dict(sorted(d["by_tool"].items()))})

    # -- findings on AI lines --------------------------------------------------------------------
    reported = report.reported_findings()
    items = [_finding_json(g, rules, day_of.get(g.commit)) for g in reported if g.is_ai]
    other = [g for g in reported if not g.is_ai]
    by_label_findings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in items:
        by_label_findings[f["label"]].append(f)

    # -- by tool and model -----------------------------------------------------------------------
    tools = []
    keys = set(tool_lines) | {(f["tool"] or "unknown", f["model"]) for f in items}
    for key in sorted(keys, key=lambda k: (k[0], k[1] or "")):
        lab = label(*key)
        lines = tool_lines.get(key, dict.fromkeys(AI_KINDS, 0))
        total = sum(lines.values())
        fs = by_label_findings.get(lab, [])
        tools.append({
            "tool": key[0], "model": key[1], "label": lab,
            "lines": {**lines, "total": total}, "commits": tool_commits.get(key, 0),
            "share_of_ai_lines": None,  # filled below
            "findings": {"total": len(fs), "open": sum(not f["resolved"] for f in fs),
                         **_severity_counts(fs)},
            "findings_per_1000_lines": _per_1000(len(fs), total),
            "rules": dict(sorted(Counter(f["rule"] for f in fs).items(),
                                 key=lambda kv: (-kv[1], kv[0]))),
        })
    ai_all = sum(t["lines"]["total"] for t in tools)
    for t in tools:
        t["share_of_ai_lines"] = _share(t["lines"]["total"], ai_all)
    tools.sort(key=lambda t: (-t["lines"]["total"], -t["findings"]["total"], t["label"]))

    def rollup(field: str) -> list[dict[str, Any]]:
        acc: dict[str, dict[str, int]] = {}
        for t in tools:
            name = t[field] or "unknown"
            a = acc.setdefault(name, {"ai_lines": 0, "findings": 0})
            a["ai_lines"] += t["lines"]["total"]
            a["findings"] += t["findings"]["total"]
        return [{field: name, **a, "findings_per_1000_lines": _per_1000(a["findings"],
                                                                         a["ai_lines"])}
                for name, a in sorted(acc.items(), key=lambda kv: (-kv[1]["ai_lines"], kv[0]))]

    # -- review ---------------------------------------------------------------------------------
    lines = report.lines()
    ai_n = _ai_total(lines)
    reviewed_findings = sum(f["origin"] == "reviewed" for f in items)
    review = {
        "ai_lines": ai_n, "reviewed": lines["reviewed"],
        "unreviewed": lines["ai"] + lines["ai_modified"],
        "reviewed_share": _share(lines["reviewed"], ai_n),
        "by_tool": [{"label": t["label"], "reviewed": t["lines"]["reviewed"],
                     "unreviewed": t["lines"]["ai"] + t["lines"]["ai_modified"]}
                    for t in tools if t["lines"]["total"]],
        "findings": {"reviewed": reviewed_findings,
                     "unreviewed": len(items) - reviewed_findings},
    }

    # -- telemetry integrity --------------------------------------------------------------------
    tele = [f for f in items if f["category"] == TELEMETRY]
    telemetry = {
        "category": TELEMETRY, "rules_in_pack": telemetry_rules, "count": len(tele),
        "open": sum(not f["resolved"] for f in tele), "by_rule": _by_rule(tele, rules),
        "items": tele,
    }

    by_status: Counter[str] = Counter(r.status.value for r in report.commits)
    return {
        "schema": SCHEMA,
        "range": {"spec": report.spec, "source": report.source, "head": report.head,
                  "first_day": day_rows[0]["day"] if day_rows else None,
                  "last_day": day_rows[-1]["day"] if day_rows else None},
        "policy": report.policy_source,
        "signatures_checked": report.signatures_checked,
        "summary": {
            "commits": len(report.commits), "days": len(day_rows),
            "by_status": dict(sorted(by_status.items())), "lines": lines, "ai_lines": ai_n,
            "ai_share": _share(ai_n, lines["added"]),
            "findings_on_ai_lines": len(items),
            "open_findings_on_ai_lines": sum(not f["resolved"] for f in items),
            "findings_per_1000_ai_lines": _per_1000(len(items), ai_n),
            "findings_on_other_lines": len(other),
            "reviewed_share": review["reviewed_share"],
            "telemetry_findings": len(tele),
            "tools": sorted({t["label"] for t in tools if t["lines"]["total"]}),
            "assisted_by": sorted(assisted),
        },
        "timeline": {"commits": commits, "days": day_rows},
        "tools": tools,
        "by_tool": rollup("tool"),
        "by_model": rollup("model"),
        "findings": {
            "total": len(items), "open": sum(not f["resolved"] for f in items),
            "by_severity": _severity_counts(items),
            "by_rule": _by_rule(items, rules),
            "by_cwe": _grouped(items, lambda f: f["cwe"] or ["(none)"], "cwe"),
            "by_category": _grouped(items, lambda f: [f["category"] or "(none)"], "category"),
            "other_lines": _severity_counts({"severity": g.finding.severity.value}
                                            for g in other),
            "items": items,
        },
        "review": review,
        "telemetry_integrity": telemetry,
        "notes": list(report.notes) + ([] if report.signatures_checked else [
            "signatures were not checked (no allowed signers configured, or --no-signatures): "
            "AI lines are those of records whose binding to the commit holds"]),
    }

