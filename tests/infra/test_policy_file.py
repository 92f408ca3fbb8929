"""Issue 5, policy as code: ``.tracemark/policy.yaml`` validated with a clear
``FILE:LINE: field.path: reason`` for every mistake, and applied by ``tracemark scan``.

Mistake kinds (each through the real CLI, exit 2, one line): unknown key, wrong type, bad rule
id, bad glob, unknown parameter; plus a parameter of the wrong shape, an unknown severity, an
unsupported version, invalid YAML. Choices: rule disable/enable, severity overrides, parameters
(approved images, allowed ports, allowed action owners), per-path scopes where later entries
win, and the default policy when there is no file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracemark.errors import InputError
from tracemark.policy import (
    Policy,
    find_policy,
    glob_problem,
    load_policy,
    path_matches,
    policy_for,
)
from tracemark.rules.loader import default_rules
from tracemark.rules.project import engine_for_project, known_rules

from support import tracemark

DOCKERFILE = """\
FROM node:20
RUN sudo apt-get install -y curl
EXPOSE 3000 6379
CMD ["node", "server.js"]
"""


def _scan(cwd: Path, *args: str) -> tuple[int, set[tuple[str, str, int, str]], str]:
    proc = tracemark("scan", "--format", "json", *args, cwd=cwd)
    if proc.returncode == 2:
        return 2, set(), proc.stderr
    data = json.loads(proc.stdout)
    return proc.returncode, {(f["path"], f["rule_id"], f["line"], f["severity"])
                             for f in data["findings"]}, proc.stderr


def _write_policy(root: Path, text: str, name: str = ".tracemark/policy.yaml") -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


MISTAKES = [
    ("unknown key", "version: 1\nrules:\n  disabel: [docker-sudo]\n",
     ":3: rules.disabel: unknown key 'disabel'; did you mean 'disable'?"),
    ("wrong type", "version: 1\nregistry_check: \"yes\"\n",
     ":2: registry_check: Input should be a valid boolean"),
    ("wrong type (list)", "rules:\n  disable: docker-sudo\n",
     ":2: rules.disable: Input should be a valid list"),
    ("bad rule id", "rules:\n  disable:\n    - docker-sudo\n    - docker-sodo\n",
     ":4: rules.disable.1: no rule 'docker-sodo'; did you mean 'docker-sudo'?"),
    ("bad rule id (severity)", "rules:\n  severity:\n    Docker_Sudo: error\n",
     ":3: rules.severity.Docker_Sudo: 'Docker_Sudo' is not a rule id"),
    ("bad glob", "scopes:\n  - paths: [services/api, \"services/[abc\"]\n"
     "    rules: {disable: [docker-sudo]}\n",
     ":2: scopes.0.paths.1: 'services/[abc' has an unclosed '['"),
    ("absolute glob", "scopes:\n  - paths:\n      - /etc/**\n",
     ":3: scopes.0.paths.0: '/etc/**' is absolute"),
    ("unknown parameter", "parameters:\n  approved_image: [python]\n",
     ":2: parameters.approved_image: no rule has a parameter 'approved_image'; "
     "did you mean 'approved_images'?"),
    ("unknown parameter in a scope", "scopes:\n  - paths: [legacy]\n    parameters:\n"
     "      allowed_port: ['22']\n",
     ":4: scopes.0.parameters.allowed_port: no rule has a parameter 'allowed_port'"),
    ("parameter of the wrong shape", "parameters:\n  approved_images: python\n",
     ":2: parameters.approved_images: must be a list"),
    ("unknown severity", "rules:\n  severity:\n    docker-sudo: critical\n",
     ":3: rules.severity.docker-sudo: Input should be 'error', 'warning' or 'info'"),
    ("unsupported version", "version: 2\n", ":1: version: unsupported policy version"),
    ("invalid YAML", "rules:\n  disable: [docker-sudo\n", ":3: invalid YAML"),
]


@pytest.mark.parametrize(("kind", "text", "expected"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_every_policy_mistake_is_one_line_with_file_line_and_field(tmp_path, kind, text,
                                                                   expected):
    path = _write_policy(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_policy(path, known_rules=known_rules(default_rules()))
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(f"{path}{expected}"), message


@pytest.mark.parametrize("kind", ["unknown key", "bad rule id", "bad glob", "unknown parameter"])
def test_scan_stops_on_a_policy_mistake_with_exit_2_and_one_line(repo, kind):
    """The same lines through the real CLI: exit 2, nothing scanned, one line on stderr."""
    _, text, expected = next(m for m in MISTAKES if m[0] == kind)
    _write_policy(repo, text)
    (repo / "Dockerfile").write_text(DOCKERFILE)
    proc = tracemark("scan", "Dockerfile", cwd=repo)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert f".tracemark/policy.yaml{expected}" in lines[0], lines[0]


def test_load_policy_raises_input_error_with_the_same_line(tmp_path):
    path = _write_policy(tmp_path, "version: 1\nscopes:\n  - paths: ['a/**']\n"
                         "    rules:\n      enable: [docker-sudo]\n      bogus: 1\n")
    with pytest.raises(InputError) as err:
        load_policy(path, known_rules=known_rules(default_rules()))
    assert str(err.value) == (f"{path}:6: scopes.0.rules.bogus: unknown key 'bogus' "
                              "(known: disable, enable, severity)")
    with pytest.raises(InputError, match="no such policy file"):
        load_policy(tmp_path / "missing.yaml")


def test_default_policy_without_a_file(tmp_path):
    assert find_policy(tmp_path) is None
    assert policy_for(tmp_path) == Policy()
    p = Policy()
    assert p.version == 1 and p.registry_check is False and not p.scopes
    d = p.decisions_for("Dockerfile")
    assert not d.disabled and not d.severity and not d.parameters
    _write_policy(tmp_path, "version: 1\n", ".tracemark/policy.yml")
    assert find_policy(tmp_path) == tmp_path / ".tracemark/policy.yml"


def test_globs_are_root_relative_and_gitignore_like():
    assert path_matches("services/api/Dockerfile", ["services/**"])
    assert path_matches("services/api/Dockerfile", ["services/api"])  # a folder covers its files
    assert path_matches("deploy/k8s/web.yaml", ["**/k8s/*.yaml"])
    assert path_matches("a/b/main.tf", ["*.tf"])  # no slash: any depth
    assert not path_matches("a/b/main.tf", ["a/*.tf"])  # * stays in one folder
    assert path_matches(".github/workflows/ci.yml", [".github/workflows/*.yml"])
    assert not path_matches("other/.github/workflows/ci.yml", [".github/workflows/*.yml"])
    assert glob_problem("src/**/test_*.py") is None
    assert "'**' must be a whole path part" in glob_problem("src/**.py")
    assert "leaves the repository" in glob_problem("../other/*")
    assert "empty glob" in glob_problem("  ")


def test_scan_applies_disable_severity_parameters_and_scopes(repo):
    """The policy's choices change what ``tracemark scan`` reports, per path."""
    for folder in ("", "legacy/", "services/cache/"):
        (repo / folder).mkdir(parents=True, exist_ok=True)
        (repo / folder / "Dockerfile").write_text(DOCKERFILE)
    code, before, _ = _scan(repo, ".")
    assert ("Dockerfile", "docker-sudo", 2, "warning") in before
    assert ("Dockerfile", "docker-expose-port-not-allowed", 3, "warning") in before
    assert not any(r == "docker-base-image-unapproved" for _, r, _, _ in before)  # node is
    assert code == 0  # no error-severity finding by default

    _write_policy(repo, """\
version: 1
rules:
  disable: [docker-missing-user]
  severity:
    docker-sudo: error
parameters:
  approved_images: [python]
  allowed_ports: ["3000"]
scopes:
  - paths: [legacy]
    rules:
      disable: [docker-sudo, docker-base-image-unapproved]
  - paths: ["services/**"]
    parameters:
      allowed_ports: ["3000", "6379"]
  - paths: ["services/cache/**"]
    rules:
      enable: [docker-missing-user]
""")
    code, after, _ = _scan(repo, ".")
    assert code == 1  # docker-sudo is an error now
    by_path = {}
    for path, rule, line, sev in after:
        by_path.setdefault(path, set()).add((rule, line, sev))
    assert by_path["Dockerfile"] == {
        ("docker-base-image-unapproved", 1, "warning"),  # node is no longer approved
        ("docker-sudo", 2, "error"),  # severity override
        ("docker-expose-port-not-allowed", 3, "warning"),  # 6379 is not allowed at the top
    }
    assert by_path["legacy/Dockerfile"] == {  # the scope turned two rules off
        ("docker-expose-port-not-allowed", 3, "warning")}
    assert by_path["services/cache/Dockerfile"] == {  # later scopes win: 6379 allowed here,
        ("docker-base-image-unapproved", 1, "warning"),  # missing USER enabled again
        ("docker-sudo", 2, "error"),
        ("docker-missing-user", 1, "warning"),
    }


def test_scan_policy_option_and_subfolder_paths(repo):
    """``--policy FILE`` overrides the repository's file; scopes match from the repository
    root even when scanning from a subfolder."""
    (repo / "svc").mkdir()
    (repo / "svc" / "Dockerfile").write_text(DOCKERFILE)
    _write_policy(repo, "version: 1\nscopes:\n  - paths: [svc/**]\n"
                  "    rules: {disable: [docker-sudo]}\n")
    _, found, _ = _scan(repo / "svc", "Dockerfile")
    assert "docker-sudo" not in {r for _, r, _, _ in found}
    other = _write_policy(repo, "version: 1\n", "other.yaml")
    _, found, _ = _scan(repo / "svc", "--policy", str(other), "Dockerfile")
    assert "docker-sudo" in {r for _, r, _, _ in found}


def test_allowed_action_owners_parameter_reaches_both_engines(repo):
    """``allowed_action_owners`` in the policy changes the GitHub Actions rule, fast and deep."""
    wf = repo / ".github" / "workflows" / "ci.yml"
    wf.parent.mkdir(parents=True)
    wf.write_text("on: push\npermissions:\n  contents: read\njobs:\n  b:\n"
                  "    runs-on: ubuntu-latest\n    steps:\n"
                  "      - uses: acme-corp/setup@0123456789abcdef0123456789abcdef01234567\n"
                  "      - uses: pypa/gh-action-pypi-publish@"
                  "76f52bc884231f62b9a034ebfe128415bbaabdfc\n")
    _, found, _ = _scan(repo, ".github")
    assert {(r, line) for _, r, line, _ in found} == {("gha-action-owner-not-allowed", 8)}
    _write_policy(repo, "version: 1\nparameters:\n  allowed_action_owners: [acme-*, actions]\n")
    _, found, _ = _scan(repo, ".github")
    assert {(r, line) for _, r, line, _ in found} == {("gha-action-owner-not-allowed", 9)}
    _, deep, err = _scan(repo, "--deep", ".github")
    assert {(r, line) for _, r, line, _ in deep} == {("gha-action-owner-not-allowed", 9)}, err


def test_engine_for_project_is_the_one_builder(repo):
    _write_policy(repo, "version: 1\nrules:\n  severity: {docker-sudo: info}\n")
    engine = engine_for_project(repo)
    found = engine.scan_file(repo / "Dockerfile", DOCKERFILE)
    assert {(f.rule_id, f.severity.value) for f in found if f.rule_id == "docker-sudo"} == {
        ("docker-sudo", "info")}
    assert engine.policy.rules.severity["docker-sudo"].value == "info"
