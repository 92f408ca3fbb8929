"""``tracemark hooks``: install, remove or show the git hooks that attest commits."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "hooks",
        help="install, remove or show tracemark's git hooks (and agent hooks)",
        description="Git hooks that write signed provenance trailers into each commit "
        "(prepare-commit-msg, commit-msg, post-commit, post-rewrite), installed where git runs "
        "hooks from (core.hooksPath honoured). Hooks already there are chained: they keep "
        "running first, and uninstall puts them back. With --agents, also the coding agents' "
        "hook settings (Claude Code, Cursor, Copilot).",
    )
    p.add_argument("action", choices=["install", "uninstall", "status"])
    p.add_argument("--agents", action="store_true",
                   help="also install/uninstall/show the agent hooks in this repository")
    p.add_argument("--json", action="store_true", help="status as tracemark/hooks/v1 JSON")
    p.set_defaults(func=run)


def _agents():
    import importlib

    from tracemark.errors import InputError

    name = "tracemark.capture.agent_settings"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name and name.startswith(err.name):
            raise InputError("--agents: agent hook support is not available in this tracemark "
                             f"({name} is missing)") from None
        raise


def _print_lines(result: object) -> None:
    if result is None:
        return
    if isinstance(result, str):
        print(result)
        return
    for line in result:  # type: ignore[attr-defined]
        print(line)


def run(args: argparse.Namespace) -> int:
    from tracemark.attest import githooks
    from tracemark.gitutil import find_repo

    agents = _agents() if args.agents else None
    repo = find_repo(".")
    if args.action == "install":
        for line in githooks.install(repo):
            print(line)
        if agents is not None:
            _print_lines(agents.install(repo.root))
        return 0
    if args.action == "uninstall":
        for line in githooks.uninstall(repo) or ["no tracemark hooks were installed"]:
            print(line)
        if agents is not None:
            _print_lines(agents.uninstall(repo.root))
        return 0
    states = githooks.status(repo)
    if args.json:
        doc = {"schema": "tracemark/hooks/v1", "hooks_dir": str(githooks.hooks_dir(repo)),
               "hooks": [{"name": s.name, "state": s.state,
                          "chained": s.chained.name if s.chained else None} for s in states]}
        if agents is not None:
            doc["agents"] = list(agents.status(repo.root) or [])
        print(json.dumps(doc, indent=2))
        return 0
    print(f"git hooks in {githooks.hooks_dir(repo)}:")
    for s in states:
        print(f"  {s.describe()}")
    if agents is not None:
        _print_lines(agents.status(repo.root))
    return 0
