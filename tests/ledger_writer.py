"""A ledger writer run as a separate process by the concurrency and crash tests.

usage: ledger_writer.py REPO WRITER_ID COUNT [--same-file]
Each write is acknowledged on stdout ("ack <path> <line>") only after its transaction committed.
"""

from __future__ import annotations

import sys

from tracemark.gitutil import find_repo
from tracemark.ledger import Ledger
from tracemark.model import Origin, OriginKind
from tracemark.tracking.lines import line_range_offsets
from tracemark.tracking.positions import TextIndex

SHARED_TEXT = "".join(f"line {i} = {i}\n" for i in range(400))


def main() -> None:
    repo, wid, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    same = "--same-file" in sys.argv
    ledger = Ledger.for_repo(find_repo(repo))
    index = TextIndex(SHARED_TEXT)
    origin = Origin(kind=OriginKind.AI, tool=f"writer-{wid}", session=str(wid))
    for n in range(count):
        if same:
            line = 1 + wid * count + n  # each writer claims its own lines of one shared file
            start, end = line_range_offsets(index, line, line)
            ledger.mark("shared.py", SHARED_TEXT, start, end, origin, writer=f"w{wid}")
            print(f"ack shared.py {line}", flush=True)
        else:
            path = f"w{wid}/file{n}.py"
            text = "".join(f"x{k} = {k}\n" for k in range(200))
            ledger.mark(path, text, 0, len(text), origin, writer=f"w{wid}")
            print(f"ack {path} 0", flush=True)


if __name__ == "__main__":
    main()
