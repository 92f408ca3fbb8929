"""Demo step: an assistant writes a Dockerfile; the project's policy file decides what counts.

The Dockerfile runs as root on a base image the project has not approved. The same policy
file drives the editor (``tracemark serve``), ``tracemark scan`` and CI.
"""

from __future__ import annotations

import json

from tracemark.demo import DemoContext

DOCKERFILE = """\
FROM node:20
WORKDIR /app
COPY . .
RUN curl -fsSL https://get.example.dev/tools.sh | sh
RUN npm ci --omit=dev
EXPOSE 3000 22
CMD ["node", "server.js"]
"""

POLICY = """\
version: 1
parameters:
  approved_images: [python, "ghcr.io/acme/*"]   # node is not approved here
  allowed_ports: ["3000"]
rules:
  severity:
    docker-missing-user: error                  # running as root fails the build
scopes:
  - paths: ["tools/**"]
    rules:
      disable: [docker-base-image-unapproved]
"""


def run(ctx: DemoContext) -> None:
    ctx.heading("Infrastructure an AI wrote, checked against the project's policy")
    if not (ctx.repo / ".git").exists():
        ctx.sh("git", "init", "-q", "-b", "main", show=False)
    (ctx.repo / ".tracemark").mkdir(exist_ok=True)
    (ctx.repo / ".tracemark" / "policy.yaml").write_text(POLICY)
    (ctx.repo / "Dockerfile").write_text(DOCKERFILE)
    ctx.say("An agent wrote this Dockerfile (no USER: it runs as root):")
    ctx.say("".join(f"    {ln}" for ln in DOCKERFILE.splitlines(keepends=True)).rstrip())
    ctx.tm("mark", "Dockerfile", "--lines", "1-7", "--tool", "claude-code",
           "--model", "claude-sonnet-4")
    ctx.say("\nThe project's policy, .tracemark/policy.yaml (the editor reads the same file):")
    ctx.say("".join(f"    {ln}" for ln in POLICY.splitlines(keepends=True)).rstrip())
    ctx.say("\nThe Dockerfile rules under that policy (exit 1: error findings on AI lines):")
    proc = ctx.tm("scan", "--ai-only", "Dockerfile", check=False)
    if proc.returncode != 1:
        raise RuntimeError(f"tracemark scan exited {proc.returncode}, expected 1")
    data = json.loads(ctx.tm("scan", "--format", "json", "Dockerfile", show=False,
                             check=False).stdout)
    rules = {f["rule_id"] for f in data["findings"]}
    for needed in ("docker-base-image-unapproved", "docker-missing-user"):
        if needed not in rules:
            raise RuntimeError(f"expected {needed} in the scan, got {sorted(rules)}")
    ctx.say("\nA policy mistake is one line with file, line and field (exit 2):")
    (ctx.repo / "typo-policy.yaml").write_text("version: 1\nrules:\n  disabel: [docker-sudo]\n")
    proc = ctx.tm("scan", "--policy", "typo-policy.yaml", "Dockerfile", check=False)
    if proc.returncode != 2:
        raise RuntimeError(f"a broken policy gave exit {proc.returncode}, expected 2")
    ctx.say("\nThe same rules cover GitHub Actions workflows, Kubernetes manifests, Terraform")
    ctx.say("and dependency manifests (typosquatted or made-up package names): see")
    ctx.say("`tracemark rules list` and docs/policy.md.")
