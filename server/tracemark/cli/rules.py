"""``tracemark rules``: list, validate, test and export the rule pack."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tracemark.cli._output import emit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rules", help="list, validate, test and export the rules",
                       description="Work with tracemark's rule pack and your own rules.")
    rsub = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--rules", action="append", default=[], metavar="DIR",
                       help="extra rule files or folders (repeatable)")
        q.add_argument("--no-default-rules", action="store_true",
                       help="leave out the rules shipped with tracemark")

    q = rsub.add_parser("list", help="list the rules")
    common(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=run_list)

    q = rsub.add_parser("validate", help="load and compile every rule; report broken ones")
    common(q)
    q.set_defaults(func=run_validate)

    q = rsub.add_parser("test", help="check every rule against its fixtures")
    common(q)
    q.add_argument("--deep", action="store_true",
                   help="also run semgrep's own rule test and the engine-agreement check")
    q.set_defaults(func=run_test)

    q = rsub.add_parser("export-semgrep", help="write the rules as one semgrep config")
    common(q)
    q.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    q.set_defaults(func=run_export)


def _load(args: argparse.Namespace):
    from tracemark.errors import InputError
    from tracemark.rules.loader import load_rules

    for extra in args.rules:
        if not Path(extra).exists():
            raise InputError(f"--rules {extra}: no such file or folder")
    return load_rules(args.rules, packaged=not args.no_default_rules)


def run_list(args: argparse.Namespace) -> int:
    rules = _load(args)
    if args.json:
        print(json.dumps({"schema": "tracemark/rules/v1", "rules": [
            {"id": r.id, "severity": r.severity.value, "cwe": r.cwe, "languages": r.languages,
             "confidence": r.confidence.value, "category": r.category,
             "message": r.message.strip(), "fix": r.fix is not None,
             "path": str(r.source_path) if r.source_path else None}
            for r in rules]}, indent=2))
    else:
        for r in rules:
            print(f"{r.id:40} {r.severity.value:8} {','.join(r.cwe):16} "
                  f"{','.join(r.languages)}")
        print(f"{len(rules)} rule(s)")
    for e in rules.errors:
        print(f"tracemark: warning: rule refused: {e}", file=sys.stderr)
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from tracemark.errors import InputError
    from tracemark.rules.engine import Engine

    rules = _load(args)
    errors = Engine(rules).compile_all()
    for e in errors:
        print(str(e), file=sys.stderr)
    if errors:
        raise InputError(f"{len(errors)} rule(s) refused, {len(rules)} loaded")
    print(f"{len(rules)} rule(s) valid")
    return 0


def run_test(args: argparse.Namespace) -> int:
    from tracemark.rules.engine import Engine
    from tracemark.rules.fixtures import annotation_problems, check_fast, fixture_files

    rules = _load(args)
    engine = Engine(rules)
    problems = [str(e) for e in engine.compile_all()]
    fixtures = {r.id: fixture_files(r) for r in rules}
    checked = 0
    for rule in rules:
        problems += annotation_problems(rule, fixtures[rule.id])
        for fx in fixtures[rule.id]:
            res = check_fast(engine, rule, fx)
            checked += 1
            if not res.passed:
                problems.append(res.describe())
    if args.deep:
        from tracemark.rules.agreement import compare_engines
        from tracemark.rules.semgrep import rule_test, rule_test_failures

        problems += rule_test_failures(rule_test(rules, fixtures))
        problems += compare_engines(rules, fixtures, engine)
    for p in problems:
        print(p)
    print(f"{len(rules)} rule(s), {checked} fixture(s): "
          f"{'all passed' if not problems else f'{len(problems)} problem(s)'}")
    return 1 if problems else 0


def run_export(args: argparse.Namespace) -> int:
    from tracemark.rules.semgrep import dump_config

    rules = _load(args)
    for e in rules.errors:
        print(f"tracemark: warning: rule refused: {e}", file=sys.stderr)
    text = dump_config(rules)
    if emit(text, args.output):
        print(f"wrote {len(rules)} semgrep rule(s) to {args.output}", file=sys.stderr)
    return 0
