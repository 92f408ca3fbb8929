"""Issue 8, integrations: the GitHub Action, the GitLab CI template and the pre-commit hooks
call real tracemark commands; what can run offline runs here, against a real repository."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from tracemark.cli import build_parser

from gate_support import CLEAN, SHELL, GateRepo
from support import ROOT, git

_SHA_PIN = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _verify_options() -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    verify = sub.choices["verify"]
    return {s for a in verify._actions for s in a.option_strings}


def _action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_yaml_is_a_composite_action_pinned_by_sha() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    assert all(_SHA_PIN.match(u) for u in uses), uses
    for s in steps:
        if "run" in s:
            assert s.get("shell") == "bash"  # composite run steps must name a shell
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert "steps.verify.outputs.sarif" in upload["with"]["sarif_file"]


def test_action_steps_call_real_tracemark_options() -> None:
    """Every option the action passes to ``tracemark verify`` exists."""
    options = _verify_options()
    scripts = "\n".join(s["run"] for s in _action()["runs"]["steps"] if "run" in s)
    used = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", scripts.split("args=(verify", 1)[1]))
    used -= {"--quiet", "--no-tags", "--unshallow", "--is-shallow-repository",
             "--disable-pip-version-check", "--version"}
    assert used and used <= options, used - options
    gitlab = (ROOT / "ci/gitlab/tracemark.gitlab-ci.yml").read_text()
    used = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", gitlab.split("args=(verify", 1)[1]))
    used -= {"--quiet", "--disable-pip-version-check", "--version", "--no-install-recommends"}
    assert used and used <= options, used - options


def _run_verify_step(r: GateRepo, tmp: Path, env: dict[str, str]) -> tuple[int, dict]:
    """The action's verify step, as the runner runs it (bash, inputs in env, its files)."""
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "verify")
    output, summary = tmp / "output", tmp / "summary.md"
    output.write_text("")
    runner_env = {**os.environ, "RUNNER_TEMP": str(tmp), "GITHUB_OUTPUT": str(output),
                  "GITHUB_STEP_SUMMARY": str(summary),
                  "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                  "TRACEMARK_INPUT_POLICY_FROM_BASE": "true", "TRACEMARK_INPUT_SUMMARY": "true",
                  "TRACEMARK_INPUT_DEEP": "false", **env}
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=r.root, env=runner_env,
                          capture_output=True, text=True, timeout=300)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    outputs["summary"] = summary.read_text() if summary.exists() else ""
    return proc.returncode, outputs


def test_action_verify_step_runs_on_a_pull_request(gate_repo: GateRepo, tmp_path: Path) -> None:
    r = gate_repo
    base = r.head("main")
    r.write("app.py", SHELL)
    r.mark("app.py", "4-5")
    r.commit("ai shell")
    code, out = _run_verify_step(r, tmp_path, {"TRACEMARK_INPUT_RANGE": f"{base}..HEAD",
                                               "TRACEMARK_INPUT_BASE_SHA": base})
    assert code == 0  # the step itself succeeds; "Fail on policy failures" fails the job
    assert out["exit-code"] == "1"
    sarif = json.loads(Path(out["sarif"]).read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "py-subprocess-shell"
    assert json.loads(Path(out["json"]).read_text())["schema"] == "tracemark/verify/v1"
    assert "tracemark verify failed" in out["summary"]
    code, out = _run_verify_step(r, tmp_path, {"TRACEMARK_INPUT_RANGE": "nosuch..HEAD"})
    assert code == 2 and out["exit-code"] == "2"


def test_gitlab_template_parses_and_verifies() -> None:
    doc = yaml.safe_load((ROOT / "ci/gitlab/tracemark.gitlab-ci.yml").read_text())
    job = doc["tracemark-verify"]
    assert job["extends"] == ".tracemark-verify"
    base = doc[".tracemark-verify"]
    assert base["variables"]["GIT_DEPTH"] == "0"
    assert any("tracemark \"${args[@]}\"" in line for line in base["script"])
    assert "tracemark.sarif" in base["artifacts"]["paths"]


def test_pre_commit_commit_msg_hook_entry_runs(gate_repo: GateRepo) -> None:
    """The hook entry, run the way pre-commit runs it (entry + the message file), writes a
    record that ``tracemark verify`` accepts."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "tracemark-attest")
    assert hook["stages"] == ["commit-msg"] and hook["language"] == "python"
    r = gate_repo
    out = subprocess.run([sys.executable, "-m", "tracemark", "hooks", "uninstall"], cwd=r.root,
                         capture_output=True, text=True)
    assert out.returncode == 0
    r.write("a.py", CLEAN)
    r.mark("a.py", "1-2")
    git(r.root, "add", "a.py")
    msg = r.root / ".git" / "COMMIT_EDITMSG"
    msg.write_text("via pre-commit\n")
    entry = shlex.split(hook["entry"])
    assert entry[0] == "python"
    proc = subprocess.run([sys.executable, *entry[1:], str(msg)], cwd=r.root,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Assisted-by: copilot:gpt-4.1" in msg.read_text()
    git(r.root, "commit", "-q", "--no-verify", "-F", str(msg))
    doc = r.verify_json("main..HEAD", code=0)
    assert doc["commits"][0]["status"] == "ai-attested"


def test_pre_commit_pre_push_hook_entry_is_a_real_command() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "tracemark-verify")
    entry = shlex.split(hook["entry"])
    assert entry[:2] == ["tracemark", "verify"]
    assert set(entry[2:]) <= _verify_options()
