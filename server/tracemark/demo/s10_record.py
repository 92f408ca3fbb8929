"""Demo step 1: a repository, some AI lines recorded in the ledger, and ``tracemark blame``."""

from __future__ import annotations

from tracemark.demo import DemoContext

APP = '''\
import subprocess


def greet(name):
    return f"hello {name}"


def run_report(user_input):
    cmd = "report --user " + user_input
    return subprocess.run(cmd, shell=True, capture_output=True)
'''


def run(ctx: DemoContext) -> None:
    ctx.heading("Record who wrote what")
    ctx.sh("git", "init", "-q", "-b", "main", show=False)
    ctx.sh("git", "config", "user.name", "Demo Developer", show=False)
    ctx.sh("git", "config", "user.email", "dev@example.com", show=False)
    ctx.sh("git", "config", "commit.gpgsign", "false", show=False)
    (ctx.repo / "app.py").write_text(APP)
    ctx.say("A developer wrote greet(); an assistant wrote run_report(). Recording that:")
    ctx.tm("mark", "app.py", "--lines", "1-6", "--human")
    ctx.tm("mark", "app.py", "--lines", "8-10", "--tool", "copilot", "--model", "gpt-4.1")
    ctx.say("\nThe ledger (.git/tracemark/ledger.db) now knows, line by line:")
    ctx.tm("blame", "app.py")
    ctx.say("\nA person edits the file outside any editor plugin (a line inserted at the top);")
    ctx.say("the AI lines are found again by re-anchoring:")
    (ctx.repo / "app.py").write_text('"""Reports."""\n' + APP)
    ctx.tm("blame", "app.py")
