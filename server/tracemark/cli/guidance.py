"""``tracemark guidance``: instructions for the AI tools, from the findings that recur on AI
lines, written into the files they read (``docs/report.md``)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    from tracemark.cli.report import add_range_options
    from tracemark.guidance.advice import MAX_INSTRUCTIONS, MIN_COUNT

    p = sub.add_parser(
        "guidance",
        help="write instructions for the AI tools from the findings that recur on AI lines",
        description="From the findings on AI lines of RANGE (as tracemark report counts them) "
        "that recur, by rule category, write short instructions (what not to write, what to "
        "write instead, from the rules' messages) into the files the team's AI tools read: "
        ".github/copilot-instructions.md, CLAUDE.md, AGENTS.md, .cursor/rules/tracemark.mdc "
        "(those that exist, and those of the tools in the range's Assisted-by trailers), "
        "inside a section between tracemark's markers; the rest of each file is left as it "
        "is. Without --write, print the change as a unified diff.",
    )
    add_range_options(p)
    p.add_argument("--write", action="store_true", help="write the files (default: show the "
                   "diff only)")
    p.add_argument("--min-count", type=int, default=MIN_COUNT, metavar="N",
                   help=f"findings a category needs to count as recurring (default {MIN_COUNT})")
    p.add_argument("--max", type=int, default=MAX_INSTRUCTIONS, metavar="N", dest="limit",
                   help=f"at most N instructions (default {MAX_INSTRUCTIONS})")
    p.add_argument("--json", action="store_true",
                   help="print tracemark/guidance/v1 JSON (instructions, files, actions)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import json

    from tracemark.cli.report import compute
    from tracemark.errors import InputError
    from tracemark.gitutil import find_repo
    from tracemark.guidance.advice import groups
    from tracemark.guidance.plan import SCHEMA, plan, write

    if args.min_count < 1 or args.limit < 1:
        raise InputError("--min-count and --max take a number of 1 or more")
    root = find_repo(".").root
    doc = compute(args)
    found = groups(doc, min_count=args.min_count, limit=args.limit)
    changes = plan(root, doc, found)
    done = write(root, changes) if args.write else []
    if args.json:
        print(json.dumps({"schema": SCHEMA, "range": doc["range"]["spec"],
                          "written": bool(args.write),
                          "groups": [g.json() for g in found],
                          "files": [c.json() for c in changes]}, indent=2))
        return 0
    if args.write:
        for c in done:
            done_word = {"create": "created", "update": "updated", "delete": "deleted"}
            print(f"{done_word[c.action]} {c.target.path} ({c.target.reason})")
        if not done:
            print("tracemark guidance: every file is up to date", file=sys.stderr)
        return 0
    diffs = [c.diff() for c in changes if c.action != "unchanged"]
    sys.stdout.write("".join(diffs))
    if not diffs:
        n = sum(len(g.instructions) for g in found)
        print(f"tracemark guidance: nothing to change ({n} instruction{'s' * (n != 1)}; "
              f"{len(changes)} file{'s' * (len(changes) != 1)} up to date)", file=sys.stderr)
    return 0
