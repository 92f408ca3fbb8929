"""``tracemark verify``: the CI gate (see ``docs/ci.md`` and ``docs/policy.md``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("text", "json", "sarif", "markdown", "cyclonedx")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "verify",
        help="the CI gate: verify the provenance of a range of commits and apply the policy",
        description="For each commit of RANGE: verify its provenance trailers (signature "
        "against the allowed signers or Sigstore identities, binding to the lines it adds), "
        "classify it (ai-attested, human-attested, unattested, lines-changed, invalid), re-run "
        "the rules on the lines it adds, and apply the policy file (.tracemark/policy.yaml). "
        "Without RANGE: $TRACEMARK_RANGE, the pull/merge request in GitHub Actions or GitLab "
        "CI, else @{upstream}..HEAD. Exit status 0: pass, 1: policy failure, 2: usage error.",
    )
    p.add_argument("range", nargs="?", metavar="RANGE",
                   help="commits, as git rev-list takes them (e.g. origin/main..HEAD)")
    p.add_argument("--policy", metavar="FILE", type=Path,
                   help="policy file (default .tracemark/policy.yaml; defaults without one)")
    p.add_argument("--policy-rev", metavar="REV",
                   help="read the policy and the allowed signers it names from this revision "
                   "(the base branch), so a change cannot loosen its own policy")
    p.add_argument("--allowed-signers", metavar="FILE", type=Path,
                   help="OpenSSH allowed signers (default: the policy's signers.allowed_signers, "
                   "then gpg.ssh.allowedSignersFile)")
    p.add_argument("--format", choices=FORMATS, default="text",
                   help="text (default), json (tracemark/verify/v1), sarif (2.1.0), markdown, "
                   "cyclonedx (dependencies AI lines added)")
    p.add_argument("--output", "-o", metavar="FILE", type=Path,
                   help="write the --format report here instead of standard output")
    p.add_argument("--sarif", metavar="FILE", type=Path, help="also write SARIF here")
    p.add_argument("--json", dest="json_file", metavar="FILE", type=Path,
                   help="also write the JSON report here")
    p.add_argument("--markdown", metavar="FILE", type=Path,
                   help="also write Markdown here (appended: made for $GITHUB_STEP_SUMMARY)")
    p.add_argument("--sbom", metavar="FILE", type=Path,
                   help="also write the CycloneDX list of AI-added dependencies here")
    p.add_argument("--deep", action="store_true",
                   help="also run the semgrep tier on the lines each commit adds")
    p.add_argument("--no-signatures", action="store_true",
                   help="check the binding only, not the signatures (never in CI)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=run)


def _write(path: Path, text: str, *, append: bool = False) -> None:
    from tracemark.errors import InputError

    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a" if append else "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as err:
        raise InputError(f"{path}: cannot write the report: {err.strerror or err}") from None


def render(report, fmt: str, root: Path) -> str:
    import json

    if fmt == "json":
        return json.dumps(report.json(), indent=2) + "\n"
    if fmt == "sarif":
        from tracemark.gate.sarif import render_sarif

        return json.dumps(render_sarif(report, root), indent=2) + "\n"
    if fmt == "markdown":
        from tracemark.gate.markdown import render_markdown

        return render_markdown(report)
    if fmt == "cyclonedx":
        from tracemark.gate.cyclonedx import render_cyclonedx

        return json.dumps(render_cyclonedx(report), indent=2) + "\n"
    from tracemark.gate.text import render_text

    return render_text(report)


def run(args: argparse.Namespace) -> int:
    from tracemark.attest.config import load_config
    from tracemark.errors import InputError
    from tracemark.gate import progress
    from tracemark.gate.evaluate import Options, verify_range
    from tracemark.gate.ranges import default_range
    from tracemark.gate.trust import load_trust
    from tracemark.gitutil import find_repo
    from tracemark.rules.loader import default_rules
    from tracemark.rules.project import known_rules

    if args.policy is not None and args.policy_rev is None and not args.policy.is_file():
        raise InputError(f"--policy {args.policy}: no such policy file")
    repo = find_repo(".")
    root = repo.root
    if args.range:
        spec, source = args.range, "argument"
    else:
        r = default_range(root)
        spec, source = r.spec, r.source
    config = load_config(root)
    trust = load_trust(root, config, policy_file=args.policy, policy_rev=args.policy_rev,
                       allowed_signers=args.allowed_signers,
                       known_rules=known_rules(default_rules()))
    bar = None
    if not args.no_progress and progress.wanted():
        bar = progress.Bar()
    try:
        report = verify_range(root, spec, trust, source=source,
                              options=Options(deep=args.deep,
                                              check_signatures=not args.no_signatures),
                              progress=bar)
    finally:
        if bar is not None:
            bar.close()
        trust.close()
    text = render(report, args.format, root)
    if args.output is not None:
        _write(args.output, text)
    else:
        sys.stdout.write(text)
    for path, fmt, append in ((args.sarif, "sarif", False), (args.json_file, "json", False),
                              (args.markdown, "markdown", True), (args.sbom, "cyclonedx", False)):
        if path is not None:
            _write(path, render(report, fmt, root), append=append)
    return report.exit_code
