"""Demo step: the hooks turn the AI lines into signed trailers at commit, and they verify."""

from __future__ import annotations

import subprocess

from tracemark.demo import DemoContext


def run(ctx: DemoContext) -> None:
    from tracemark.attest import verify_commit

    ctx.heading("Commit: signed provenance trailers")
    key, allowed = ctx.signing_key()
    ctx.say("SSH signing the git way (gpg.format=ssh), a key of the demo's own, and who may sign:")
    ctx.sh("git", "config", "gpg.format", "ssh")
    ctx.sh("git", "config", "user.signingkey", str(key))
    ctx.sh("git", "config", "gpg.ssh.allowedSignersFile", str(allowed))
    ctx.sh("git", "config", "core.hooksPath", ".git/hooks", show=False)  # not a global one
    ctx.tm("hooks", "install")
    ctx.say("\nCommitting what the earlier steps recorded (the ledger knows which lines are AI):")
    ctx.sh("git", "add", "-A")
    ctx.sh("git", "commit", "-q", "-m", "Add the report runner and the settings loader")
    ctx.say("\nThe message now carries the record (Assisted-by, Tracemark-Record, "
            "Tracemark-Signature):")
    ctx.sh("git", "log", "-1", "--format=%B")
    result = verify_commit(ctx.repo, "HEAD")
    if result.status.value != "ai-attested":
        raise RuntimeError(f"the demo commit verified as {result.status.value}: "
                           f"{'; '.join(result.reasons)}")
    signer = result.records[0].signer
    ctx.say(f"Verified: {result.status.value}, signed by {signer.principal} ({signer.key})")
    for a in result.ai_lines:
        ctx.say(f"  {a.path} lines {a.start}-{a.end}: {a.kind} by {a.tool}"
                f"{':' + a.model if a.model else ''}")
    ctx.say("\nPer line, from the commit's trailers alone (no ledger): tracemark blame --rev")
    ctx.tm("blame", "app.py", "--rev", "HEAD")
    ctx.say("\nSomeone edits the Assisted-by trailer on a copy of the commit:")
    msg = subprocess.run(["git", "log", "-1", "--format=%B"], cwd=ctx.repo, text=True,
                         capture_output=True, check=True).stdout
    forged_msg = msg.replace("Assisted-by: copilot:gpt-4.1", "Assisted-by: nobody:by-hand", 1)
    tree = ctx.sh("git", "rev-parse", "HEAD^{tree}", show=False).stdout.strip()
    forged = subprocess.run(["git", "commit-tree", tree, "-F", "-"], cwd=ctx.repo, text=True,
                            input=forged_msg, capture_output=True, check=True).stdout.strip()
    bad = verify_commit(ctx.repo, forged)
    ctx.say(f"  {forged[:12]}: {bad.status.value}: {bad.reasons[0]}")
    ctx.say("\nLines per commit, by tool and model:")
    ctx.tm("stats")
