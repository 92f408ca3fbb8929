"""Issue 5, the rules: at least 40 across Dockerfiles, GitHub Actions workflows, Kubernetes
manifests, Terraform and dependency manifests; whole-document context for rules whose verdict
depends on the whole file (so a half-written file in the editor gets a sensible result); and
workflows vs Kubernetes vs other YAML told apart by path and content (dialects).

Every rule's fixtures (fast engine, whole file and span by span) are checked by
``tests/rules/test_pack.py``; semgrep's own test and the engines' agreement by
``tests/rules/test_semgrep_tier.py``.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tracemark.rules.engine import DocumentChecker, Engine, default_engine
from tracemark.rules.fixtures import annotation_problems, fixture_files
from tracemark.rules.languages import DIALECTS, dialects_for
from tracemark.rules.loader import default_rules, rules_from_sources
from tracemark.rules.semgrep import semgrep_rule

KINDS = {"docker": "dockerfile", "gha": "github-actions", "k8s": "kubernetes",
         "tf": "terraform", "deps": "dependencies"}


def _infra_rules():
    return [r for r in default_rules() if r.id.split("-", 1)[0] in KINDS]


def test_at_least_40_rules_across_the_five_kinds_each_with_fixtures_severity_and_cwe():
    rules = _infra_rules()
    per_kind = Counter(r.id.split("-", 1)[0] for r in rules)
    assert len(rules) >= 40, per_kind
    assert all(per_kind[k] >= 8 for k in KINDS), per_kind
    for r in rules:
        assert r.source_path.parent.name == KINDS[r.id.split("-", 1)[0]]
        assert r.cwe and r.severity and r.semgrep
        assert annotation_problems(r, fixture_files(r)) == [], r.id


def _byte_range(src: bytes, needle: bytes) -> tuple[int, int]:
    start = src.index(needle)
    return start, start + len(needle)


HALF_WRITTEN = b"FROM node:20\nWORKDIR /app\nRUN npm ci \\\n"


def test_whole_document_rules_follow_edits_far_from_the_ai_span():
    """The AI wrote the FROM line; the user adds USER at the end, then deletes it again."""
    engine = default_engine()
    src = HALF_WRITTEN
    chk = DocumentChecker("dockerfile", src, engine=engine, path="Dockerfile")
    ai = _byte_range(src, b"FROM node:20")
    assert chk.has_errors  # the RUN line is unfinished
    assert "docker-missing-user" in {f.rule_id for f in chk.check([ai])}

    new = src + b"  --omit=dev\nUSER node\n"
    chk.update(new)
    assert "docker-missing-user" not in {f.rule_id for f in chk.check([ai])}
    chk.update(src)
    assert "docker-missing-user" in {f.rule_id for f in chk.check([ai])}


def test_without_the_document_context_the_cached_verdict_would_be_stale():
    """The same rule with the default (local) context keeps its first answer after the edit:
    what the ``context: document`` flag is for."""
    text = default_rules().get("docker-missing-user").source_path.read_text()
    local = rules_from_sources([("docker-missing-user.yaml",
                                 text.replace("context: document\n", ""))])
    assert local.get("docker-missing-user").context == "local"
    engine = Engine(local)
    src = HALF_WRITTEN
    chk = DocumentChecker("dockerfile", src, engine=engine, path="Dockerfile")
    ai = _byte_range(src, b"FROM node:20")
    assert [f.rule_id for f in chk.check([ai])] == ["docker-missing-user"]
    chk.update(src + b"  --omit=dev\nUSER node\n")
    assert [f.rule_id for f in chk.check([ai])] == ["docker-missing-user"]  # stale


WORKFLOW = """\
on: [push]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ github.event.head_commit.message }}"
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: ghcr.io/acme/c:1.0
      securityContext:
        privileged: true
"""


def test_workflows_are_told_apart_by_path():
    engine = default_engine()
    in_place = {f.rule_id for f in engine.scan_file(".github/workflows/ci.yml", WORKFLOW)}
    assert {"gha-script-injection", "gha-missing-permissions"} <= in_place
    elsewhere = {f.rule_id for f in engine.scan_file("docs/example.yml", WORKFLOW)}
    assert not any(r.startswith("gha-") for r in elsewhere)
    assert dialects_for(".github/workflows/ci.yml", WORKFLOW) == {"github-actions"}


def test_kubernetes_manifests_are_told_apart_by_content():
    engine = default_engine()
    assert "k8s-privileged-container" in {f.rule_id for f in engine.scan_file("pod.yaml", POD)}
    not_k8s = POD.replace("apiVersion: v1\nkind: Pod\n", "")
    assert not any(f.rule_id.startswith("k8s-") for f in engine.scan_file("x.yaml", not_k8s))
    assert dialects_for("deploy/pod.yaml", POD) == {"kubernetes"}
    assert dialects_for("deploy/values.yaml", not_k8s) == set()
    # a multi-document file counts as a manifest when one document is one
    assert dialects_for("all.yaml", "a: 1\n---\n" + POD) == {"kubernetes"}


def test_editor_checker_applies_dialects_to_the_live_text():
    engine = default_engine()
    src = POD.replace("apiVersion: v1\nkind: Pod\n", "").encode()
    chk = DocumentChecker("yaml", src, engine=engine, path="pod.yaml")
    assert chk.check(None) == []
    chk.update(POD.encode())  # the header typed in: now a manifest
    assert "k8s-privileged-container" in {f.rule_id for f in chk.check(None)}


@pytest.mark.parametrize(("rule_id", "include"), [
    ("gha-script-injection", ["**/.github/workflows/*.yml", "**/.github/workflows/*.yaml"]),
    ("deps-pypi-unpinned", ["requirements*.txt", "*-requirements.txt", "*_requirements.txt",
                            "*.requirements.txt", "requirements*.in", "constraints*.txt"]),
    ("deps-pyproject-typosquat", ["pyproject.toml"]),
])
def test_semgrep_export_limits_dialect_and_generic_rules_to_their_files(rule_id, include):
    rule = default_rules().get(rule_id)
    assert semgrep_rule(rule)["paths"] == {"include": include}
    assert "paths" not in semgrep_rule(rule, ignore_paths=True)


def test_dialects_are_validated_in_rule_files():
    bad = rules_from_sources([("docker-x.yaml", """\
id: docker-x
message: something is wrong here
severity: info
cwe: [CWE-1]
languages: [dockerfile]
dialect: kubernetes
query: "(from_instruction) @finding"
semgrep: {pattern: FROM $X}
""")])
    assert len(bad) == 0
    assert "dialect: 'kubernetes' is a yaml dialect" in str(bad.errors[0])
    assert set(DIALECTS) == {"github-actions", "kubernetes", "package-json", "pyproject"}
