"""``tracemark scan``: run the security rules on files or folders."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tracemark.cli._output import emit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scan", help="run the security rules on files or folders",
        description="Run tracemark's rules (tree-sitter fast tier; with --deep also semgrep) on "
        "files and folders. Folders inside a git repository honour .gitignore. Exit status: 0 "
        "no error-severity finding, 1 at least one, 2 bad usage or input.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to scan")
    p.add_argument("--deep", action="store_true",
                   help="also run semgrep with the same rules; each finding names its engine")
    p.add_argument("--ai-only", action="store_true",
                   help="report findings on AI-written lines only (from the repository ledger)")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    p.add_argument("--rules", action="append", default=[], metavar="DIR",
                   help="extra tracemark rule files or folders (repeatable)")
    p.add_argument("--no-default-rules", action="store_true",
                   help="do not load the rules shipped with tracemark")
    p.add_argument("--semgrep-config", action="append", default=[], metavar="PATH",
                   help="extra local semgrep config file or folder for --deep (repeatable)")
    p.add_argument("--semgrep-timeout", type=float, default=600.0, metavar="SECONDS")
    p.add_argument("--policy", metavar="FILE",
                   help="the project policy (rules off/on, severities, parameters such as "
                   "approved base images); default: .tracemark/policy.yaml of the repository")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tracemark.errors import InputError
    from tracemark.rules.loader import load_rules
    from tracemark.rules.project import engine_for_project
    from tracemark.rules.scan import finding_json, scan_paths

    for extra in args.rules:
        if not Path(extra).exists():
            raise InputError(f"--rules {extra}: no such file or folder")
    for cfg in args.semgrep_config:
        if not Path(cfg).exists():
            raise InputError(f"--semgrep-config {cfg}: no such file or folder")
    if args.semgrep_config and not args.deep:
        raise InputError("--semgrep-config needs --deep")
    rules = load_rules(args.rules, packaged=not args.no_default_rules)
    if args.policy is not None and not Path(args.policy).is_file():
        raise InputError(f"--policy {args.policy}: no such file")
    engine = engine_for_project(_project_root(), args.policy, rules=rules)
    report = scan_paths(args.paths, engine=engine, deep=args.deep, ai_only=args.ai_only,
                        semgrep_configs=args.semgrep_config,
                        semgrep_timeout=args.semgrep_timeout)
    policy = getattr(engine, "policy", None)
    if policy is not None and policy.registry_check:  # opt-in: the only network use here
        from tracemark.rules.deps.registry import RegistryClient, annotate

        client = RegistryClient()
        before = report.findings
        report.findings = annotate(before, report.texts, client)  # same order and length
        report.engines = {id(new): report.engines.get(id(old), [old.engine])
                          for old, new in zip(before, report.findings, strict=True)}
        for problem in client.errors[:1]:
            print(f"tracemark: registry check: {problem}; findings kept without it",
                  file=sys.stderr)
    for err in report.rule_errors:
        print(f"tracemark: warning: rule refused: {err}", file=sys.stderr)
    if args.deep and report.semgrep_reason:
        print(f"tracemark: semgrep: {report.semgrep_reason}; fast-tier findings only",
              file=sys.stderr)
    for name, why in report.skipped:
        print(f"tracemark: skipped {name}: {why}", file=sys.stderr)

    if args.format == "json":
        out = json.dumps({
            "schema": "tracemark/scan/v1",
            "tool": {"name": "tracemark", "version": _version()},
            "deep": report.deep,
            "ai_only": report.ai_only,
            "files_scanned": len(report.files),
            "summary": report.counts(),
            "findings": [finding_json(f, report.engines.get(id(f))) for f in report.findings],
            "rule_errors": [str(e) for e in report.rule_errors],
            "semgrep": None if not report.deep else {
                "ran": report.semgrep_reason is None, "reason": report.semgrep_reason,
                "warnings": report.semgrep_warnings},
            "skipped": [{"path": n, "reason": r} for n, r in report.skipped],
        }, indent=2) + "\n"
    elif args.format == "sarif":
        from tracemark.rules.sarif import build_sarif

        run_props = {"tracemark": {"deep": report.deep, "ai_only": report.ai_only}}
        if report.deep and report.semgrep_reason:
            run_props["tracemark"]["semgrep_reason"] = report.semgrep_reason
        out = json.dumps(build_sarif(report.findings, rules=engine.rules.rules,
                                     root=report.root, texts=report.texts,
                                     engines=report.engines, run_properties=run_props),
                         indent=2) + "\n"
    else:
        out = _text(report)
    emit(out, args.output)
    return 1 if report.failed else 0


def _project_root() -> Path:
    """The repository around the working directory (where the policy file lives), else it."""
    from tracemark.errors import InputError
    from tracemark.gitutil import find_repo

    try:
        return Path(find_repo(".").root)
    except (InputError, OSError):  # not a repository, or no git on PATH
        return Path.cwd()


def _version() -> str:
    from tracemark import __version__

    return __version__


def _text(report) -> str:
    lines = []
    for f in report.findings:
        engines = "+".join(report.engines.get(id(f), [f.engine]))
        cwe = ",".join(f.cwe)
        lines.append(f"{f.path}:{f.start.line + 1}:{f.start.byte_col + 1}: {f.severity.value} "
                     f"{f.rule_id} [{cwe}] {f.message.splitlines()[0]}"
                     + (f" ({engines})" if report.deep else ""))
        if f.fix is not None:
            lines.append(f"    fix: {f.fix.title}")
    c = report.counts()
    scope = " on AI lines" if report.ai_only else ""
    lines.append(f"{len(report.findings)} finding(s){scope}: {c['error']} error, "
                 f"{c['warning']} warning, {c['info']} info in {len(report.files)} file(s)")
    return "\n".join(lines) + "\n"
