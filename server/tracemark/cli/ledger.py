"""``tracemark ledger``: look after the per-repository ledger (check, repair, list)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ledger", help="check or repair the ledger",
                       description="The ledger is the SQLite database in .git/tracemark/ that "
                       "holds which characters of which files an AI wrote.")
    sp = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    sp.add_parser("check", help="verify the database's integrity").set_defaults(func=run)
    sp.add_parser("files", help="list the files the ledger knows").set_defaults(func=run)
    sp.add_parser("repair", help="salvage an unreadable ledger into a fresh one, keeping the "
                  "old file beside it").set_defaults(func=run)
    sp.add_parser("path", help="print where the ledger is").set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tracemark.gitutil import find_repo
    from tracemark.ledger import open_ledger
    from tracemark.ledger.repair import repair
    from tracemark.ledger.store import ledger_path

    repo = find_repo(".")
    if args.action == "path":
        print(ledger_path(repo))
        return 0
    if args.action == "repair":
        print(repair(ledger_path(repo)))
        return 0
    with open_ledger(repo) as ledger:
        if args.action == "files":
            for f in ledger.files():
                print(f)
            return 0
        problems = ledger.check()
    if problems:
        for p in problems:
            print(p)
        return 1
    print(f"{ledger_path(repo)}: ok")
    return 0
