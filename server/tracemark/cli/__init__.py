"""The ``tracemark`` command line: a thin shell over the pipeline.

Each command is a module in this package with ``register(subparsers)`` and a ``run(args) -> int``
set as the parser's default ``func``. Modules are found by listing the package, so adding a
command never touches a shared list. Command modules import their heavy dependencies inside
``run`` so that ``tracemark --help`` and the git hooks start quickly.
"""

from __future__ import annotations

import sys

from tracemark import __version__
from tracemark.errors import TracemarkError

TYPE_CHECKING = False
if TYPE_CHECKING:  # argparse and friends are imported when needed: `record` (agent hooks) never
    import argparse  # builds this parser, and they cost ~15 ms of CPU at every start
    from collections.abc import Sequence

#: The order commands appear in ``--help``; commands not listed follow alphabetically.
HELP_ORDER = [
    "serve", "scan", "record", "mark", "blame", "stats", "hooks", "verify",
    "report", "guidance", "export", "rules", "ledger", "demo",
]  # fmt: skip


def _command_modules() -> list[str]:
    import pkgutil

    names = [m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")]
    rank = {n: i for i, n in enumerate(HELP_ORDER)}
    return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))


def build_parser() -> argparse.ArgumentParser:
    import argparse
    import importlib

    parser = argparse.ArgumentParser(
        prog="tracemark",
        description="Knows which code an AI wrote, checks it as it is written, "
        "and proves its origin in CI.",
    )
    parser.add_argument("--version", action="version", version=f"tracemark {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _command_modules():
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["record"]:
        # Agent hooks run this on every file edit: skip importing every command (startup time).
        from tracemark.cli.record import main as record_main

        return record_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except TracemarkError as err:
        print(f"tracemark: error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
