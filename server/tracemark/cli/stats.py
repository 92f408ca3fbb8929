"""``tracemark stats``: AI, AI-modified, human and unattested lines per commit, from trailers."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "stats",
        help="AI and human lines per commit and in total, by tool and model",
        description="Count, for each commit of RANGE (default HEAD: the current branch's "
        "history) and in total, the lines it adds that are AI, AI-modified, reviewed, human or "
        "unattested, by tool and model, from the commits' provenance trailers. Signatures are "
        "checked when an allowed-signers file is configured or given.",
    )
    p.add_argument("range", nargs="?", default="HEAD", metavar="RANGE",
                   help="commits, as git rev-list takes them (e.g. main..HEAD); default HEAD")
    p.add_argument("--json", action="store_true", help="tracemark/stats/v1 JSON")
    p.add_argument("--allowed-signers", metavar="FILE", type=Path,
                   help="OpenSSH allowed signers (default: gpg.ssh.allowedSignersFile)")
    p.add_argument("--no-signatures", action="store_true",
                   help="check the binding only, not the signatures")
    p.set_defaults(func=run)


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "-"


def run(args: argparse.Namespace) -> int:
    from tracemark.attest.stats import range_stats
    from tracemark.errors import InputError
    from tracemark.gitutil import find_repo

    if args.allowed_signers is not None and not args.allowed_signers.is_file():
        raise InputError(f"--allowed-signers {args.allowed_signers}: no such file")
    repo = find_repo(".")
    doc = range_stats(repo, args.range, allowed_signers=args.allowed_signers,
                      check_signatures=False if args.no_signatures else None)
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    print(f"{'commit':<10} {'status':<14} {'added':>6} {'ai':>5} {'ai-mod':>6} {'rev':>4} "
          f"{'human':>6} {'unatt':>6}  subject")
    for c in doc["commits"]:
        ln = c["lines"]
        print(f"{c['commit'][:10]:<10} {c['status']:<14} {ln['added']:>6} {ln['ai']:>5} "
              f"{ln['ai_modified']:>6} {ln['reviewed']:>4} {ln['human']:>6} "
              f"{ln['unattested']:>6}  {c['subject'][:50]}")
    t = doc["total"]
    ln = t["lines"]
    ai_all = ln["ai"] + ln["ai_modified"] + ln["reviewed"]
    print(f"\n{t['commits']} commits, {ln['added']} lines added: {ai_all} AI "
          f"({_pct(ai_all, ln['added'])}; {ln['ai_modified']} modified, {ln['reviewed']} "
          f"reviewed), {ln['human']} human, {ln['unattested']} unattested")
    for tool in t["by_tool"]:
        label = f"{tool['tool']}:{tool['model']}" if tool["model"] else tool["tool"]
        print(f"  {label:<36} {tool['ai']:>6} ai {tool['ai_modified']:>6} modified "
              f"{tool['reviewed']:>6} reviewed")
    if not doc["signatures_checked"]:
        print("(signatures not checked: no allowed signers configured; binding only)")
    return 0
