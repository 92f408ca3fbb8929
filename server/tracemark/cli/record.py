"""``tracemark record --hook TOOL``: record the lines a coding agent wrote, from its hook payload.

It runs inside the agent's loop, so it never fails the agent: whatever is wrong with the
payload, it logs one line (stderr and ``.git/tracemark/agent-hooks.log``) and exits 0 (exit 2
would tell Claude Code to block the tool). ``--strict`` makes problems exit 2, for scripts.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

TYPE_CHECKING = False
if TYPE_CHECKING:  # not imported on the hook path (startup time)
    import argparse

HOOK_CHOICES = ("claude", "cursor", "copilot", "generic")
DESCRIPTION = (
    "Read a coding agent's hook payload (JSON) on stdin and record in the ledger the lines the "
    "agent wrote, with its tool, model and session. Install it with `tracemark hooks install "
    "--agents`, or call it from any tool with the generic format (docs/agents.md). It returns "
    "at once: recording happens in the background unless --sync. Problems are logged in one "
    "line and never fail the agent (exit 0)."
)


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--hook", metavar="TOOL", default=None,
                   help=f"the payload's format: {', '.join(HOOK_CHOICES)}")
    p.add_argument("--sync", action="store_true",
                   help="record before returning (and report problems on stderr)")
    p.add_argument("--strict", action="store_true",
                   help="exit 2 when the payload cannot be recorded (for scripts, not hooks)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("record", help="record the lines a coding agent wrote (agent hooks)",
                       description=DESCRIPTION)
    _add_arguments(p)
    p.set_defaults(func=run)


def _parse(argv: list[str]) -> SimpleNamespace:
    """The three flags, by hand: building an argparse parser costs ~10 ms of the hook's budget,
    and argparse exits 2 on a bad command line, which would tell Claude Code to block the tool."""
    args = SimpleNamespace(hook=None, sync=False, strict=False)
    it = iter(argv)
    for a in it:
        if a in ("--sync", "--strict"):
            setattr(args, a[2:], True)
        elif a == "--hook":
            args.hook = next(it, None)
            if args.hook is None:
                raise ValueError("--hook needs a value")
        elif a.startswith("--hook="):
            args.hook = a.split("=", 1)[1]
        else:
            raise ValueError(f"unrecognized argument {a!r}")
    return args


def main(argv: list[str]) -> int:
    """The fast entry point ``tracemark.cli.main`` uses for ``record`` (no other command's
    module is imported)."""
    if any(a in ("-h", "--help") for a in argv):
        import argparse

        parser = argparse.ArgumentParser(prog="tracemark record", description=DESCRIPTION)
        _add_arguments(parser)
        parser.print_help()
        return 0
    try:
        args = _parse(argv)
    except ValueError as err:
        from tracemark.capture.agents.front import HookLog, log_to_repo_of

        log = HookLog("?")
        log_to_repo_of(log)
        log(f"bad command line ({err}); nothing recorded")
        return 0
    return run(args)


def run(args: argparse.Namespace | SimpleNamespace) -> int:
    from tracemark.capture.agents.front import HookLog, log_to_repo_of
    from tracemark.capture.agents.front import run as front_run

    hook = args.hook or "?"
    log = HookLog(hook)
    try:
        if args.hook is None:
            log_to_repo_of(log)
            log(f"--hook is required ({', '.join(HOOK_CHOICES)}); nothing recorded")
            ok = False
        elif sys.stdin.isatty():
            log("reads a hook payload (JSON) on stdin; nothing recorded")
            ok = False
        else:
            ok = front_run(args.hook, sys.stdin.buffer.read(), log, sync=args.sync)
    except Exception as err:  # never break the agent, whatever went wrong
        log(f"internal error ({type(err).__name__}: {err}); nothing recorded")
        ok = False
    return 2 if (args.strict and not ok) else 0
