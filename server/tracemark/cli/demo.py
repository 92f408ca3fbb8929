"""``tracemark demo``: the whole loop in a throw-away repository."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="run the whole loop in a throw-away repository",
                       description="Create a throw-away git repository and walk through "
                       "capture, tracking, checks, signed trailers and the CI gate in it.")
    p.add_argument("--keep", action="store_true", help="keep the demo repository afterwards")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tracemark.demo import main

    return main(keep=args.keep)
