"""Demo step: the report over the demo's whole history, and guidance for its AI tools.

Builds on the repository the earlier steps made (an attested commit from step 4, the two
branches of step 5); run on its own, it runs step 5 first. The HTML report is written outside
the throw-away repository, so that it can be opened after the demo.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from tracemark.demo import DemoContext

#: Every branch the earlier steps made: the report covers the whole demo history.
RANGE = "main feature/slug feature/sessions"

CLAUDE_MD = """\
# Working on this repository

Run the tests with `make test` before you commit.
"""


def report_path() -> Path:
    return Path(tempfile.gettempdir()) / "tracemark-demo-report.html"


def run(ctx: DemoContext) -> None:
    if ctx.sh("git", "rev-parse", "--verify", "-q", "feature/sessions", show=False,
              check=False).returncode != 0:
        from tracemark.demo import s50_gate

        s50_gate.run(ctx)
    ctx.heading("The report, and guidance written back for the AI tools")
    ctx.say("Over every commit of the demo (all branches): AI share over time, by tool and "
            "model,\nfindings on AI lines, reviewed lines, telemetry-integrity findings. "
            "One self-contained HTML file:")
    out = report_path()
    ctx.tm("report", RANGE, "--no-progress", "-o", str(out))
    doc = json.loads(ctx.tm("report", RANGE, "--no-progress", "--format", "json",
                            show=False).stdout)
    s = doc["summary"]
    ctx.say(f"\n  {s['ai_lines']} of {s['lines']['added']} lines added are AI "
            f"({100 * (s['ai_share'] or 0):.0f}%); findings on AI lines: "
            f"{s['findings_on_ai_lines']}, {s['findings_per_1000_ai_lines']} per 1,000 AI lines")
    for t in doc["tools"]:
        ctx.say(f"  {t['label']:<30} {t['lines']['total']:>4} AI lines  "
                f"{t['findings']['total']:>2} findings "
                f"{t['findings_per_1000_lines'] or 0:>7} per 1,000")
    top = ", ".join(f"{r['rule']} ({r['count']})" for r in doc["findings"]["by_rule"][:4])
    ctx.say(f"  most frequent: {top}")
    ctx.say(f"\nOpen it in any browser, offline: file://{out}")

    ctx.say("\nThe findings that recur on AI lines become instructions for the tools the team "
            "uses,\nwritten into the files they read (CLAUDE.md already holds the team's own "
            "notes;\ntracemark only adds its marked section). The demo's history is short, so "
            "a finding\ncounts from its first time (--min-count 1; by default a category needs "
            "2). The proposed\nchange, as a diff:")
    (ctx.repo / "CLAUDE.md").write_text(CLAUDE_MD)
    diff = ctx.tm("guidance", RANGE, "--no-progress", "--min-count", "1")
    if "+<!-- tracemark:guidance:start -->" not in diff.stdout:
        raise RuntimeError("tracemark guidance proposed no section for the demo's findings")
    ctx.say("\n`tracemark guidance --write` writes it; running it again changes nothing.")
