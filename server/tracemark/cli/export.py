"""``tracemark export``: provenance in other tools' formats (Agent Trace v0.1)."""

from __future__ import annotations

import argparse
import json
import sys

from tracemark.cli._output import emit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="export AI line provenance (Agent Trace v0.1 records)",
        description="Write one Agent Trace v0.1 record (JSON, one per line) for each commit of "
        "RANGE that adds AI-written lines: the lines at that revision, grouped by conversation, "
        "with contributor and model. Origins come from the ledger and, where it has none, from "
        "git-ai notes (refs/notes/ai).")
    p.add_argument("range", nargs="?", default="HEAD", metavar="RANGE",
                   help="a commit (default HEAD) or a range A..B")
    p.add_argument("--format", required=True, choices=["agent-trace"],
                   help="the output format")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tracemark.capture.agent_trace import export
    from tracemark.capture.gitai import NoteCache
    from tracemark.gitutil import find_repo

    repo = find_repo(".")
    notes = NoteCache(repo)
    lines = [json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
             for rec in export(repo, args.range, notes)]
    for problem in notes.problems:
        print(f"tracemark: warning: {problem}", file=sys.stderr)
    text = "".join(f"{line}\n" for line in lines)
    if emit(text, args.output):
        print(f"wrote {len(lines)} Agent Trace record(s) to {args.output}", file=sys.stderr)
    return 0
