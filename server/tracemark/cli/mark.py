"""``tracemark mark``: record by hand who wrote some lines of a file."""

from __future__ import annotations

import argparse
import re

from tracemark.errors import InputError

_RANGE = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


def parse_line_ranges(spec: str) -> list[tuple[int, int]]:
    """``"3-7,10"`` → ``[(3, 7), (10, 10)]`` (1-based, inclusive), or :class:`InputError`."""
    out = []
    for part in spec.split(","):
        m = _RANGE.match(part)
        if not m:
            raise InputError(f"--lines {spec!r}: expected A-B (1-based), e.g. 3-7 or 3-7,10")
        a = int(m.group(1))
        b = int(m.group(2) or a)
        if a < 1 or b < a:
            raise InputError(f"--lines {part.strip()}: a range starts at 1 and runs forwards")
        out.append((a, b))
    return out


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "mark",
        help="record by hand who wrote lines of a file",
        description="Record in the ledger that lines of FILE were written by an AI tool (the "
        "default), by a person (--human), or that their AI code was reviewed (--reviewed).",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--lines", required=True, metavar="A-B", help="1-based lines, e.g. 3-7,10")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--human", action="store_true", help="the lines were written by a person")
    kind.add_argument("--reviewed", action="store_true",
                      help="a person reviewed the AI code on these lines")
    p.add_argument("--tool", help="the AI tool (copilot, claude-code, cursor, ...)")
    p.add_argument("--model", help="the model, e.g. gpt-4.1")
    p.add_argument("--session", help="the tool's session or conversation id")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tracemark.gitutil import repo_for_file
    from tracemark.ledger import open_ledger, writer_name
    from tracemark.model import Confidence, Origin, OriginKind
    from tracemark.textfile import read_text
    from tracemark.tracking.lines import line_count, line_range_offsets
    from tracemark.tracking.positions import TextIndex

    ranges = parse_line_ranges(args.lines)
    if not (args.human or args.reviewed) and not args.tool:
        raise InputError("--tool is required to mark AI lines (or use --human / --reviewed)")
    repo = repo_for_file(args.file)
    rel = repo.relpath(args.file)
    text = read_text(repo.abspath(rel), rel)
    index = TextIndex(text)
    n = line_count(index)
    for _a, b in ranges:
        if b > n:
            raise InputError(f"{rel}: line {b} is past the end of the file ({n} lines)")
    writer = writer_name("mark")
    origin = None
    if not args.reviewed:
        origin = Origin(
            kind=OriginKind.HUMAN if args.human else OriginKind.AI,
            tool=None if args.human else args.tool,
            model=None if args.human else args.model,
            session=args.session,
            confidence=Confidence.DECLARED,
            source="mark",
        )
    with open_ledger(repo) as ledger:
        for a, b in ranges:
            start, end = line_range_offsets(index, a, b)
            if args.reviewed:
                ledger.review(rel, text, start, end, writer=writer)
            else:
                ledger.mark(rel, text, start, end, origin, writer=writer)
    what = "reviewed" if args.reviewed else "human" if args.human else "ai"
    label = "" if origin is None or args.human else f" ({origin.label()})"
    spec = ",".join(f"{a}-{b}" if a != b else str(a) for a, b in ranges)
    print(f"{rel}: lines {spec} marked {what}{label}")
    return 0
