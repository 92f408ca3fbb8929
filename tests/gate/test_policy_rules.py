"""Issue 8, the policy rules of ``tracemark verify``, each passing and failing, on real
repositories whose commits were attested by the real hooks with real SSH keys."""

from __future__ import annotations

from gate_support import CLEAN, RANDOM, SHELL, GateRepo, failures
from support import git


def test_ai_commit_with_error_finding_fails_by_default(gate_repo: GateRepo) -> None:
    """An AI commit with an error finding fails (default policy: block on error)."""
    r = gate_repo
    r.write("app.py", SHELL)
    r.mark("app.py", "4-5")
    sha = r.commit("ai code")
    out = r.verify("main..HEAD")
    assert out.returncode == 1, out.stdout + out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("FAIL "))
    assert sha[:10] in line and "ai-finding" in line and "py-subprocess-shell" in line
    assert "copilot:gpt-4.1" in line and "app.py:5" in line
    doc = r.verify_json("main..HEAD", code=1)
    assert doc["commits"][0]["status"] == "ai-attested"
    [f] = doc["findings"]
    assert (f["origin"], f["tool"], f["model"], f["action"]) == ("ai", "copilot", "gpt-4.1",
                                                                  "block")


def test_same_code_attested_human_passes_ai_only_policy(gate_repo: GateRepo) -> None:
    """The same code, attested as human: its finding is reported and never fails."""
    r = gate_repo
    r.write("app.py", SHELL)
    r.mark("app.py", "1-5", None, None, "--human")
    r.commit("human code")
    doc = r.verify_json("main..HEAD", code=0)
    assert doc["passed"] is True
    assert doc["commits"][0]["status"] == "human-attested"
    [f] = doc["findings"]
    assert (f["rule"], f["origin"], f["action"]) == ("py-subprocess-shell", "human", "report")
    assert doc["summary"]["findings"]["human"]["error"] == 1
    text = r.verify("main..HEAD").stdout
    assert "PASS" in text and "py-subprocess-shell [human" in text


def test_unattested_commit_fails_require_attestation(gate_repo: GateRepo) -> None:
    """--no-verify skips the hooks: reported under the default policy, fails with
    ``attestation.required``."""
    r = gate_repo
    r.write("app.py", CLEAN)
    sha = r.commit("sneaked in", "--no-verify")
    assert "Tracemark-Record" not in r.message()
    doc = r.verify_json("main..HEAD", code=0)
    assert doc["commits"][0]["status"] == "unattested"
    policy = r.policy("attestation:\n  required: true\n")
    doc = r.verify_json("main..HEAD", "--policy", str(policy), code=1)
    [f] = failures(doc, "attestation-required")
    assert f["commit"] == sha and "no provenance record" in f["reason"]


def test_attestation_required_for_paths_only(gate_repo: GateRepo) -> None:
    """``attestation.paths``: only commits adding lines there need a record."""
    r = gate_repo
    policy = r.policy("attestation:\n  paths: ['src/**']\n")
    r.write("docs/notes.md", "notes\n")
    r.commit("docs", "--no-verify")
    assert r.verify("main..HEAD", "--policy", str(policy)).returncode == 0
    r.write("src/app.py", CLEAN)
    r.commit("code", "--no-verify")
    doc = r.verify_json("main..HEAD", "--policy", str(policy), code=1)
    assert [f["commit"] for f in failures(doc)] == [r.head()]
    r.write("src/more.py", CLEAN)
    r.commit("attested code")  # attested by the hooks: passes
    doc = r.verify_json("HEAD~1..HEAD", "--policy", str(policy), code=0)
    assert doc["commits"][0]["status"] == "human-attested"


def test_warning_finding_on_ai_lines_needs_review_mark(gate_repo: GateRepo) -> None:
    """Default: a warning on AI lines fails until the lines carry a signed review mark."""
    r = gate_repo
    r.write("tok.py", RANDOM)
    r.mark("tok.py", "4-5")
    r.commit("token")
    doc = r.verify_json("main..HEAD", code=1)
    [f] = failures(doc, "ai-finding-review")
    assert "py-insecure-random" in f["reason"] and "review mark" in f["reason"]


def test_review_mark_satisfies_warning_policy(gate_repo: GateRepo) -> None:
    r = gate_repo
    r.write("tok.py", RANDOM)
    r.mark("tok.py", "4-5")
    r.mark("tok.py", "4-5", None, None, "--reviewed")
    r.commit("token, reviewed")
    doc = r.verify_json("main..HEAD", code=0)
    [f] = doc["findings"]
    assert (f["origin"], f["action"]) == ("reviewed", "review")
    assert doc["commits"][0]["ai_lines"][0]["reviewed"] is True
    # Findings by severity are configurable: report warnings only.
    r.write("tok2.py", RANDOM)
    r.mark("tok2.py", "4-5")
    r.commit("token again")
    assert r.verify("main..HEAD").returncode == 1
    policy = r.policy("ai:\n  findings:\n    warning: report\n")
    assert r.verify("main..HEAD", "--policy", str(policy)).returncode == 0
    block_all = r.policy("ai:\n  findings:\n    warning: block\n", "block.yaml")
    doc = r.verify_json("main..HEAD", "--policy", str(block_all), code=1)
    assert len(failures(doc, "ai-finding")) == 2  # reviewed or not, "block" blocks


def test_review_required_paths(gate_repo: GateRepo) -> None:
    """``ai.review_paths``: AI lines under infra/ need a review mark."""
    r = gate_repo
    policy = r.policy("ai:\n  review_paths: ['.github/workflows/**', 'infra/**']\n")
    r.write("infra/main.py", CLEAN)
    r.mark("infra/main.py", "1-2")
    sha = r.commit("ai infra")
    doc = r.verify_json("main..HEAD", "--policy", str(policy), code=1)
    [f] = failures(doc, "ai-review-path")
    assert (f["commit"], f["path"], f["line"]) == (sha, "infra/main.py", 1)
    assert "infra/main.py:1-2" in f["reason"]
    assert r.verify("main..HEAD").returncode == 0  # the default policy has no such paths
    git(r.root, "reset", "-q", "--hard", "main")
    r.write("infra/main.py", CLEAN)
    r.mark("infra/main.py", "1-2")
    r.mark("infra/main.py", "1-2", None, None, "--reviewed")
    r.commit("ai infra, reviewed")
    assert r.verify("main..HEAD", "--policy", str(policy)).returncode == 0


def test_forbidden_paths(gate_repo: GateRepo) -> None:
    """``ai.forbidden_paths``: no AI lines at all, reviewed or not; human lines are fine."""
    r = gate_repo
    policy = r.policy("ai:\n  forbidden_paths: ['crypto/']\n")
    r.write("crypto/keys.py", CLEAN)
    r.mark("crypto/keys.py", "5-6")
    r.mark("crypto/keys.py", "5-6", None, None, "--reviewed")
    r.commit("ai crypto")
    doc = r.verify_json("main..HEAD", "--policy", str(policy), code=1)
    [f] = failures(doc, "ai-forbidden-path")
    assert f["path"] == "crypto/keys.py" and "accepts no AI code" in f["reason"]
    git(r.root, "reset", "-q", "--hard", "main")
    r.write("crypto/keys.py", CLEAN)
    r.mark("crypto/keys.py", "1-6", None, None, "--human")  # the ledger still knew them as AI
    r.commit("human crypto")
    assert r.verify("main..HEAD", "--policy", str(policy)).returncode == 0


def test_tool_and_model_allow_list(gate_repo: GateRepo) -> None:
    r = gate_repo
    r.write("a.py", CLEAN)
    r.mark("a.py", "1-2", "copilot", "gpt-4.1")
    r.commit("copilot code")
    ok = r.policy("ai:\n  tools: [copilot, claude-code]\n  models: ['gpt-4*', 'claude-*']\n")
    assert r.verify("main..HEAD", "--policy", str(ok)).returncode == 0
    tools = r.policy("ai:\n  tools: [claude-code]\n", "tools.yaml")
    doc = r.verify_json("main..HEAD", "--policy", str(tools), code=1)
    [f] = failures(doc)
    assert f["rule"] == "ai-tool" and "'copilot'" in f["reason"]
    models = r.policy("ai:\n  models: ['claude-*']\n", "models.yaml")
    doc = r.verify_json("main..HEAD", "--policy", str(models), code=1)
    [f] = failures(doc)
    assert f["rule"] == "ai-model" and "gpt-4.1" in f["reason"]


def test_max_ai_share(gate_repo: GateRepo) -> None:
    """``ai.max_share`` over the whole change: 2 AI lines of 6 added is 33%."""
    r = gate_repo
    r.write("a.py", CLEAN)
    r.mark("a.py", "5-6")
    r.commit("a third AI")
    doc = r.verify_json("main..HEAD", code=0)
    assert doc["summary"]["lines"]["added"] == 6 and doc["summary"]["ai_share"] == 0.3333
    assert r.verify("main..HEAD", "--policy", str(r.policy("ai:\n  max_share: 50%\n"))
                    ).returncode == 0
    doc = r.verify_json("main..HEAD", "--policy",
                        str(r.policy("ai:\n  max_share: 0.25\n", "p2.yaml")), code=1)
    [f] = failures(doc, "ai-share")
    assert "2 of 6 added lines are AI (33%)" in f["reason"] and "25%" in f["reason"]


def test_ai_added_dependency_needs_review(gate_repo: GateRepo) -> None:
    """Dependencies added by AI lines: listed (with purl) by default; ``ai.dependencies:
    review`` fails until the lines are reviewed."""
    r = gate_repo
    r.write("requirements.txt", "flask==3.0.0\n")
    r.commit("human deps")
    r.write("requirements.txt", "flask==3.0.0\nrequests~=2.31\nPyYAML==6.0.1\n")
    r.mark("requirements.txt", "2-3", "claude-code", "claude-sonnet-4")
    sha = r.commit("ai adds deps")
    doc = r.verify_json("HEAD~1..HEAD", code=0)
    got = {(d["name"], d["purl"], d["line"], d["commit"]) for d in doc["dependencies"]}
    assert got == {("requests", "pkg:pypi/requests", 2, sha),
                   ("PyYAML", "pkg:pypi/pyyaml@6.0.1", 3, sha)}
    policy = r.policy("ai:\n  dependencies: review\n")
    doc = r.verify_json("HEAD~1..HEAD", "--policy", str(policy), code=1)
    assert sorted(f["line"] for f in failures(doc, "ai-dependency")) == [2, 3]
    assert all("needs a review mark" in f["reason"] for f in failures(doc))
    doc = r.verify_json("main..HEAD", "--policy", str(policy), code=1)
    assert all(d["name"] != "flask" for d in doc["dependencies"])  # flask is human
    r.write("requirements.txt", "flask==3.0.0\nrequests~=2.31\nPyYAML==6.0.1\nrich==13.7.1\n")
    r.mark("requirements.txt", "4", "claude-code", "claude-sonnet-4")
    r.mark("requirements.txt", "4", None, None, "--reviewed")
    r.commit("ai adds a reviewed dep")
    assert r.verify("HEAD~1..HEAD", "--policy", str(policy)).returncode == 0


def test_dependencies_in_package_json_and_pyproject(gate_repo: GateRepo) -> None:
    r = gate_repo
    r.write("package.json", '{\n  "name": "x",\n  "dependencies": {\n    "lodash": "4.17.21",'
            '\n    "@types/node": "^20.0.0"\n  }\n}\n')
    r.write("pyproject.toml", '[project]\nname = "x"\nversion = "1"\ndependencies = [\n'
            '  "httpx==0.27.0",\n]\n')
    r.mark("package.json", "4-5")
    r.mark("pyproject.toml", "5")
    r.commit("ai manifests")
    doc = r.verify_json("main..HEAD", code=0)
    assert sorted(d["purl"] for d in doc["dependencies"]) == [
        "pkg:npm/%40types/node", "pkg:npm/lodash@4.17.21", "pkg:pypi/httpx@0.27.0"]


def test_human_line_findings_never_fail(gate_repo: GateRepo) -> None:
    """AI and human lines in one commit: only the AI lines' finding counts."""
    r = gate_repo
    r.write("mix.py", SHELL + "\n\ndef ok():\n    return 1\n")
    r.mark("mix.py", "8-9")
    r.commit("mixed")
    doc = r.verify_json("main..HEAD", code=0)
    [f] = doc["findings"]
    assert (f["origin"], f["action"]) == ("human", "report")


def test_finding_fixed_later_in_the_range_does_not_fail(gate_repo: GateRepo) -> None:
    r = gate_repo
    r.write("app.py", SHELL)
    r.mark("app.py", "4-5")
    r.commit("ai code")
    r.write("app.py", SHELL.replace("shell=True", "shell=False"))
    r.commit("fix")
    doc = r.verify_json("main..HEAD", code=0)
    [f] = doc["findings"]
    assert f["resolved"] is True and f["head_line"] is None
    text = r.verify("main..HEAD").stdout
    assert "fixed later in the range" in text
