"""Demo step: the CI gate. ``tracemark verify`` passes one branch and fails another, and says why.

Builds on the earlier steps: the repository whose first commit step 4 attested with the demo's
SSH key (hooks installed, allowed signers configured). Run on its own, it sets that up itself.
"""

from __future__ import annotations

import json

from tracemark.demo import DemoContext

GATE_POLICY = """\

# The CI gate (tracemark verify):
attestation:
  paths: ["src/**"]            # commits adding lines under src/ must carry a valid record
ai:
  findings: {error: block, warning: review, info: report}
  review_paths: [".github/workflows/**"]
  tools: [copilot, claude-code]
"""

CLEAN_AI = '''\
def slugify(title):
    """Lower-case words joined by dashes."""
    words = "".join(c if c.isalnum() else " " for c in title).split()
    return "-".join(w.lower() for w in words)
'''

HUMAN = '''\


def shout(text):
    return text.upper() + "!"
'''

RISKY_AI = '''\
import pickle


def load_session(blob):
    return pickle.loads(blob)
'''


def _ensure_attesting(ctx: DemoContext) -> None:
    """What step 4 leaves behind, when this step runs without it."""
    if ctx.sh("git", "config", "gpg.format", show=False, check=False).stdout.strip() == "ssh":
        return
    if not (ctx.repo / ".git").exists():
        ctx.sh("git", "init", "-q", "-b", "main", show=False)
    key, allowed = ctx.signing_key()
    for k, v in (("user.name", "Demo Developer"), ("user.email", "dev@example.com"),
                 ("commit.gpgsign", "false"), ("gpg.format", "ssh"), ("user.signingkey",
                 str(key)), ("gpg.ssh.allowedSignersFile", str(allowed)),
                 ("core.hooksPath", ".git/hooks")):
        ctx.sh("git", "config", k, v, show=False)
    ctx.tm("hooks", "install", show=False)
    (ctx.repo / "README.md").write_text("# demo\n")
    ctx.sh("git", "add", "-A", show=False)
    ctx.sh("git", "commit", "-q", "-m", "Start", show=False)


def _commit(ctx: DemoContext, message: str, *extra: str) -> None:
    ctx.sh("git", "add", "-A")
    ctx.sh("git", "commit", "-q", "-m", message, *extra)


def run(ctx: DemoContext) -> None:
    ctx.heading("The CI gate: tracemark verify")
    _ensure_attesting(ctx)
    policy = ctx.repo / ".tracemark" / "policy.yaml"
    policy.parent.mkdir(exist_ok=True)
    before = policy.read_text() if policy.exists() else "version: 1\n"
    policy.write_text(before + GATE_POLICY)
    ctx.say("The project adds the gate's sections to its policy file (on main):")
    ctx.say("".join(f"    {ln}" for ln in GATE_POLICY.strip("\n").splitlines(keepends=True)))
    _commit(ctx, "Policy: the CI gate's rules")
    ctx.sh("git", "branch", "-f", "main", "HEAD", show=False, check=False)

    ctx.say("\nBranch feature/slug: an assistant writes slugify(), a person writes shout().")
    ctx.sh("git", "checkout", "-q", "-b", "feature/slug")
    (ctx.repo / "src").mkdir(exist_ok=True)
    (ctx.repo / "src" / "text.py").write_text(CLEAN_AI + HUMAN)
    ctx.tm("mark", "src/text.py", "--lines", "1-4", "--tool", "copilot", "--model", "gpt-4.1")
    ctx.tm("mark", "src/text.py", "--lines", "5-8", "--human")
    _commit(ctx, "Add slugify and shout")
    ctx.say("\nCI verifies the branch's commits (judged by main's policy, --policy-rev main):")
    ok = ctx.tm("verify", "main..feature/slug", "--policy-rev", "main", "--no-progress",
                check=False)
    if ok.returncode != 0:
        raise RuntimeError(f"tracemark verify of the clean branch exited {ok.returncode}")

    ctx.say("\nBranch feature/sessions: an assistant writes pickle.loads on untrusted data, and")
    ctx.say("someone commits a follow-up with --no-verify (no provenance record):")
    ctx.sh("git", "checkout", "-q", "-b", "feature/sessions", "main")
    (ctx.repo / "src").mkdir(exist_ok=True)
    (ctx.repo / "src" / "sessions.py").write_text(RISKY_AI)
    ctx.tm("mark", "src/sessions.py", "--lines", "1-5", "--tool", "claude-code",
           "--model", "claude-sonnet-4")
    _commit(ctx, "Load sessions")
    (ctx.repo / "src" / "sessions.py").write_text(RISKY_AI + "\n\nTIMEOUT = 30\n")
    _commit(ctx, "Session timeout", "--no-verify")
    bad = ctx.tm("verify", "main..feature/sessions", "--policy-rev", "main", "--no-progress",
                 check=False)
    if bad.returncode != 1:
        raise RuntimeError(f"tracemark verify of the risky branch exited {bad.returncode}, "
                           "expected 1")
    ctx.say("\nWhy, one line per failure (from the JSON report, tracemark/verify/v1):")
    doc = json.loads(ctx.tm("verify", "main..feature/sessions", "--policy-rev", "main",
                            "--format", "json", show=False, check=False).stdout)
    rules = {f["rule"] for f in doc["failures"]}
    for needed in ("ai-finding", "attestation-required"):
        if needed not in rules:
            raise RuntimeError(f"expected a {needed} failure, got {sorted(rules)}")
    for f in doc["failures"]:
        ctx.say(f"  {f['rule']:<22} {(f['commit'] or '')[:10]}  {f['reason'][:110]}")
    sarif = json.loads(ctx.tm("verify", "main..feature/sessions", "--policy-rev", "main",
                              "--format", "sarif", show=False, check=False).stdout)
    ctx.say("\nThe SARIF for GitHub code scanning carries each finding's provenance:")
    for res in sarif["runs"][0]["results"]:
        p = res["properties"]
        if "origin" in p:
            ctx.say(f"  {res['level']:7} {res['ruleId']:<24} origin={p['origin']} "
                    f"tool={p['tool']} model={p['model']} commit={p['commit'][:10]}")
    ctx.sh("git", "checkout", "-q", "main")
    ctx.say("\nIn CI: the GitHub Action (action.yml), the GitLab template "
            "(ci/gitlab/tracemark.gitlab-ci.yml)")
    ctx.say("or the pre-commit hooks (.pre-commit-hooks.yaml) run the same command: see "
            "docs/ci.md.")
