"""``tracemark report``: what AI wrote over a range and what the rules found on it
(``docs/report.md``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("html", "markdown", "json")
_SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown",
             ".json": "json"}


def add_range_options(p: argparse.ArgumentParser) -> None:
    """The options ``report`` and ``guidance`` share: which commits, which policy, which keys."""
    p.add_argument("range", nargs="?", default="HEAD", metavar="RANGE",
                   help="commits, as git rev-list takes them (e.g. main..HEAD, "
                   "'HEAD --since=3.months.ago'); default HEAD, the branch's whole history")
    p.add_argument("--since", metavar="DATE",
                   help="only commits after DATE (git's dates: 2025-01-01, 3.months.ago)")
    p.add_argument("--policy", metavar="FILE", type=Path,
                   help="policy file (default .tracemark/policy.yaml): rules turned off, "
                   "severities and parameters, as the gate applies them")
    p.add_argument("--allowed-signers", metavar="FILE", type=Path,
                   help="OpenSSH allowed signers (default: the policy's, then "
                   "gpg.ssh.allowedSignersFile); without any, signatures are not checked")
    p.add_argument("--no-signatures", action="store_true",
                   help="check the binding only, not the signatures")
    p.add_argument("--deep", action="store_true", help="also run the semgrep tier")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="the share of AI lines over time, by tool and model, and the findings on them",
        description="Over the commits of RANGE: the share of AI lines over time (per commit "
        "and per day), by tool and model; findings on AI lines by rule, CWE, severity, tool "
        "and model, and per 1,000 AI lines; reviewed vs unreviewed AI lines; telemetry-"
        "integrity findings called out. It runs the CI gate's own verification and re-scan. "
        "HTML is one self-contained file (inline SVG charts, no network); JSON is "
        "tracemark/report/v1, from which the other formats are rendered.",
    )
    add_range_options(p)
    p.add_argument("--format", choices=FORMATS,
                   help="html, markdown or json (default: from -o's suffix, else markdown)")
    p.add_argument("--output", "-o", metavar="FILE", type=Path,
                   help="write the report here instead of standard output")
    p.set_defaults(func=run)


def range_spec(args: argparse.Namespace) -> str:
    spec = args.range.strip() or "HEAD"
    if args.since:
        spec += f" --since={'.'.join(args.since.split())}"
    return spec


def compute(args: argparse.Namespace) -> dict:
    """The report document for the command line's range and options."""
    from tracemark.attest.config import load_config
    from tracemark.errors import InputError
    from tracemark.gate import progress
    from tracemark.gate.trust import load_trust
    from tracemark.gitutil import find_repo
    from tracemark.report.build import build_report
    from tracemark.rules.loader import default_rules
    from tracemark.rules.project import known_rules

    if args.policy is not None and not args.policy.is_file():
        raise InputError(f"--policy {args.policy}: no such policy file")
    root = find_repo(".").root
    trust = load_trust(root, load_config(root), policy_file=args.policy,
                       allowed_signers=args.allowed_signers,
                       known_rules=known_rules(default_rules()))
    check = not args.no_signatures and (trust.allowed_signers is not None or bool(trust.sigstore))
    bar = progress.Bar(label="reading") if not args.no_progress and progress.wanted() else None
    try:
        return build_report(root, range_spec(args), trust, check_signatures=check,
                            deep=args.deep, progress=bar)
    finally:
        if bar is not None:
            bar.close()
        trust.close()


def render(doc: dict, fmt: str) -> str:
    if fmt == "json":
        import json

        return json.dumps(doc, indent=2) + "\n"
    if fmt == "html":
        from tracemark.report.html import render_html

        return render_html(doc)
    from tracemark.report.markdown import render_markdown

    return render_markdown(doc)


def run(args: argparse.Namespace) -> int:
    from tracemark.errors import InputError

    fmt = args.format or (_SUFFIXES.get(args.output.suffix.lower()) if args.output else None) \
        or "markdown"
    if args.output is not None and args.output.is_dir():
        raise InputError(f"-o {args.output}: is a folder; name the report file")
    text = render(compute(args), fmt)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputError(f"-o {args.output}: cannot write the report: "
                         f"{err.strerror or err}") from None
    print(f"wrote {args.output} ({fmt})", file=sys.stderr)
    return 0
