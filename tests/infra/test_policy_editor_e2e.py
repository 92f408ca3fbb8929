"""Issue 5, end to end: an AI-written Dockerfile that runs as root on an unapproved base image
gets diagnostics in the editor (the real ``tracemark serve`` over stdio), and the same policy
file makes ``tracemark scan`` report the same findings.

The policy approves only ``python`` and ``ghcr.io/acme/*`` base images, so ``node:20`` (on the
default approved list) is reported only because the policy is honoured; it also raises
``docker-missing-user`` to an error. The Dockerfile has no ``USER``: the whole-document rule
reports it on the ``FROM`` line, and typing ``USER node`` by hand at the end of the file (far
from the AI span) clears it.
"""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types

from support import git, tracemark

POLICY = """\
version: 1
parameters:
  approved_images: [python, "ghcr.io/acme/*"]
rules:
  severity:
    docker-missing-user: error
"""

AI_DOCKERFILE = """\
FROM node:20
WORKDIR /app
COPY . .
RUN npm ci --omit=dev
EXPOSE 3000
CMD ["node", "server.js"]
"""

SEVERITY = {types.DiagnosticSeverity.Error: "error", types.DiagnosticSeverity.Warning: "warning",
            types.DiagnosticSeverity.Information: "info", types.DiagnosticSeverity.Hint: "info"}


def _project(repo: Path, policy: str = POLICY) -> None:
    (repo / ".tracemark").mkdir(exist_ok=True)
    (repo / ".tracemark" / "policy.yaml").write_text(policy)
    git(repo, "add", ".tracemark/policy.yaml")
    git(repo, "commit", "-q", "-m", "policy")


def _editor(diags: list[types.Diagnostic]) -> set[tuple[str, int, str]]:
    return {(str(d.code), d.range.start.line, SEVERITY[d.severity]) for d in diags}


async def test_ai_dockerfile_diagnostics_follow_the_policy_and_match_tracemark_scan(lsp, repo):
    _project(repo)
    s = await lsp("vscode", "utf-16", root=repo)
    doc = await s.open(repo / "Dockerfile", "", language_id="dockerfile")
    await doc.insert_ai(doc.position(0), AI_DOCKERFILE, tool="claude-code", model="sonnet")

    expected = {("docker-base-image-unapproved", 0, "warning"),
                ("docker-missing-user", 0, "error")}
    diags = await doc.wait_diagnostics(lambda d: _editor(d) == expected,
                                       "the policy's findings on the AI Dockerfile")
    assert _editor(diags) == expected
    assert all(d.source == "tracemark" for d in diags)
    unapproved = next(d for d in diags if d.code == "docker-base-image-unapproved")
    assert doc.text_in(unapproved.range) == "node:20"

    # The same file and policy on the command line: the same findings.
    (repo / "Dockerfile").write_text(AI_DOCKERFILE)
    proc = tracemark("scan", "--format", "json", "Dockerfile", cwd=repo)
    assert proc.returncode == 1, proc.stderr  # an error-severity finding
    report = json.loads(proc.stdout)
    assert report["schema"] == "tracemark/scan/v1"
    scanned = {(f["rule_id"], f["line"] - 1, f["severity"]) for f in report["findings"]}
    assert scanned == expected

    # Without the policy, node:20 is an approved image and a missing USER only a warning.
    plain = tracemark("scan", "--format", "json", "--policy", str(repo / "none.yaml"),
                      "Dockerfile", cwd=repo)
    assert plain.returncode == 2 and "none.yaml" in plain.stderr
    (repo / "empty-policy.yaml").write_text("version: 1\n")
    default = json.loads(tracemark("scan", "--format", "json", "--policy", "empty-policy.yaml",
                                   "Dockerfile", cwd=repo).stdout)
    assert {(f["rule_id"], f["severity"]) for f in default["findings"]} == {
        ("docker-missing-user", "warning")}

    # Half-written file, whole-document rule: a USER typed by hand at the end clears the
    # finding on the AI-written FROM line.
    doc.type_text(doc.position(len(doc.text)), "USER node\n")
    diags = await doc.wait_diagnostics(
        lambda d: _editor(d) == {("docker-base-image-unapproved", 0, "warning")},
        "only the base image once USER is there")


async def test_policy_setting_points_at_another_file(lsp, repo):
    """``tracemark.policy`` (initializationOptions) overrides the workspace's file."""
    _project(repo, "version: 1\n")  # the workspace file approves the defaults
    other = repo / "ci" / "strict-policy.yaml"
    other.parent.mkdir()
    other.write_text("version: 1\nparameters:\n  approved_images: [python]\n"
                     "rules:\n  disable: [docker-missing-user]\n")
    s = await lsp("neovim", "utf-8", root=repo, init={"policy": "ci/strict-policy.yaml"})
    doc = await s.open(repo / "Dockerfile", "", language_id="dockerfile")
    await doc.insert_ai(doc.position(0), AI_DOCKERFILE)
    diags = await doc.wait_diagnostics(
        lambda d: _editor(d) == {("docker-base-image-unapproved", 0, "warning")},
        "the other policy's findings")
    assert "docker-missing-user" not in {d.code for d in diags}


async def test_broken_policy_is_told_once_and_the_defaults_still_check(lsp, repo):
    """A policy mistake is one clear message with file, line and field; the server stays up."""
    _project(repo, "version: 1\nrules:\n  disabel: [docker-sudo]\n")
    s = await lsp("vscode", root=repo)
    doc = await s.open(repo / "Dockerfile", "", language_id="dockerfile")
    await doc.insert_ai(doc.position(0), AI_DOCKERFILE)
    diags = await doc.wait_diagnostics(
        lambda d: _editor(d) == {("docker-missing-user", 0, "warning")},
        "the default rules' findings")
    assert diags
    await s.wait(lambda: any("policy.yaml:3: rules.disabel: unknown key" in m
                             for m in s.shown()), "the policy error message")
    told = [m for m in s.shown() if "policy" in m]
    assert len(told) == 1, told
    await s.alive()
