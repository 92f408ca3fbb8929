"""``tracemark blame``: who wrote each line of a file (AI tool and model, or a person)."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "blame",
        help="show which lines of a file an AI wrote",
        description="Show, per line, whether FILE's lines were written by an AI (and which tool "
        "and model), by a person, or are unknown to tracemark.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="tracemark/blame/v1 JSON")
    p.add_argument("--rev", metavar="REV",
                   help="FILE as committed in REV, from the commits' provenance trailers "
                   "(not the ledger)")
    p.set_defaults(func=run_any)


def blame_lines(file: str) -> tuple[str, list, list[str]]:
    """``(repo-relative path, LineOrigin per line, line texts)`` for the working-tree file."""
    rel, lines, texts, _from_notes = blame_with_sources(file)
    return rel, lines, texts


def blame_with_sources(file: str) -> tuple[str, list, list[str], set[int]]:
    """:func:`blame_lines`, plus the lines whose origin came from git-ai notes (the second
    source: lines the ledger has no claim for take the origin a ``refs/notes/ai`` note gives)."""
    import sys

    from tracemark.capture import gitai
    from tracemark.gitutil import repo_for_file
    from tracemark.ledger import open_ledger
    from tracemark.textfile import read_text
    from tracemark.tracking import TextIndex, classify_lines

    repo = repo_for_file(file)
    rel = repo.relpath(file)
    text = read_text(repo.abspath(rel), rel)
    with open_ledger(repo) as ledger:
        known = ledger.knows(rel)
        spans = ledger.load(rel, text) if known else []
    index = TextIndex(text)
    lines = classify_lines(index, spans, known=known)
    cache = gitai.NoteCache(repo)
    lines, from_notes = gitai.overlay(lines, gitai.blame_origins(repo, rel, cache))
    for problem in cache.problems:
        print(f"tracemark: warning: {problem}", file=sys.stderr)
    return rel, lines, [index.line_text(i) for i in range(len(lines))], from_notes


def run(args: argparse.Namespace) -> int:
    rel, lines, texts, from_notes = blame_with_sources(args.file)
    if args.json:
        doc = {"schema": "tracemark/blame/v1", "file": rel,
               "lines": [lo.blame_json() | ({"source": "git-ai"} if lo.line in from_notes
                                            else {}) for lo in lines]}
        print(json.dumps(doc, indent=2))
        return 0
    width = len(str(len(lines)))
    for lo, text in zip(lines, texts, strict=True):
        who = " ".join(p for p in (lo.tool, lo.model) if p) if lo.kind.is_ai else ""
        who += " (git-ai)" if lo.line in from_notes else ""
        print(f"{lo.line:>{width}}  {lo.kind.value:<11} {who[:28]:<28} | {text}")
    return 0


def run_any(args: argparse.Namespace) -> int:
    """``--rev`` reads the commits' trailers; without it, the ledger and the working tree."""
    return run_rev(args) if args.rev else run(args)


def run_rev(args: argparse.Namespace) -> int:
    """``--rev``: blame from the trailers of the commits that introduced each line."""
    from tracemark.attest.blame_rev import blame_at
    from tracemark.gitutil import repo_for_file

    repo = repo_for_file(args.file)
    rel = repo.relpath(args.file)
    lines = blame_at(repo, rel, args.rev)
    if args.json:
        doc = {"schema": "tracemark/blame/v1", "file": rel, "rev": args.rev,
               "lines": [bl.origin.blame_json() | {"commit": bl.commit} for bl in lines]}
        print(json.dumps(doc, indent=2))
        return 0
    width = len(str(len(lines)))
    for bl in lines:
        lo = bl.origin
        who = " ".join(p for p in (lo.tool, lo.model) if p) if lo.kind.is_ai else ""
        print(f"{lo.line:>{width}} {bl.commit[:8]} {lo.kind.value:<11} {who[:28]:<28} | "
              f"{bl.text}")
    return 0
