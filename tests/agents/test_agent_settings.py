"""Issue 9: ``agent_settings.install/uninstall/status`` add tracemark to .claude/settings.json,
.cursor/hooks.json and .github/hooks/tracemark.json, merging with what is there, idempotently,
and remove only tracemark's entries again."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tracemark.capture import agent_settings
from tracemark.errors import InputError

CLAUDE_BEFORE = {
    "permissions": {"allow": ["Bash(npm test:*)"]},
    "hooks": {
        "PreToolUse": [{"matcher": "Bash", "hooks": [
            {"type": "command", "command": "./scripts/guard.sh"}]}],
        "PostToolUse": [{"matcher": "Write|Edit", "hooks": [
            {"type": "command", "command": "npx prettier --write \"$FILE\""}]}],
        "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}],
    },
}
CURSOR_BEFORE = {"version": 1, "hooks": {"afterFileEdit": [{"command": "./hooks/format.sh"}],
                                         "beforeShellExecution": [{"command": "./audit.sh"}]}}


def write_json(path: Path, data: object, indent: int | str = 2) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=indent) + "\n")


def read(root: Path, rel: str) -> dict:
    return json.loads((root / rel).read_text())


def ours(entries: list) -> list:
    return [e for e in entries if "tracemark record --hook" in json.dumps(e)]


def test_install_into_a_repository_without_agent_settings(repo: Path):
    msgs = agent_settings.install(repo)
    assert msgs == [
        "Claude Code: added tracemark to .claude/settings.json (PreToolUse, PostToolUse)",
        "Cursor: added tracemark to .cursor/hooks.json (preToolUse, afterFileEdit, "
        "afterTabFileEdit)",
        "GitHub Copilot: added tracemark to .github/hooks/tracemark.json (preToolUse, "
        "postToolUse)"]
    claude = read(repo, ".claude/settings.json")["hooks"]
    assert claude["PostToolUse"][0]["matcher"] == "Write|Edit|MultiEdit|NotebookEdit"
    assert claude["PostToolUse"][0]["hooks"][0]["type"] == "command"
    assert claude["PostToolUse"][0]["hooks"][0]["command"].endswith(
        "tracemark record --hook claude")
    cursor = read(repo, ".cursor/hooks.json")
    assert cursor["version"] == 1 and set(cursor["hooks"]) == {
        "preToolUse", "afterFileEdit", "afterTabFileEdit"}
    copilot = read(repo, ".github/hooks/tracemark.json")
    assert copilot["hooks"]["postToolUse"][0]["bash"].endswith("tracemark record --hook copilot")
    assert all(m.split(":")[1].startswith(" installed in")
               for m in agent_settings.status(repo))


def test_install_merges_with_existing_hooks_is_idempotent_and_uninstall_restores(repo: Path):
    write_json(repo / ".claude/settings.json", CLAUDE_BEFORE)
    write_json(repo / ".cursor/hooks.json", CURSOR_BEFORE, indent=4)
    write_json(repo / ".github/hooks/security.json", {"version": 1, "hooks": {
        "preToolUse": [{"type": "command", "bash": "./scripts/block.sh"}]}})
    agent_settings.install(repo)
    claude = read(repo, ".claude/settings.json")
    assert claude["permissions"] == CLAUDE_BEFORE["permissions"]
    assert claude["hooks"]["Stop"] == CLAUDE_BEFORE["hooks"]["Stop"]
    assert claude["hooks"]["PreToolUse"][0] == CLAUDE_BEFORE["hooks"]["PreToolUse"][0]
    assert claude["hooks"]["PostToolUse"][0] == CLAUDE_BEFORE["hooks"]["PostToolUse"][0]
    assert len(ours(claude["hooks"]["PreToolUse"])) == 1
    cursor_text = (repo / ".cursor/hooks.json").read_text()
    assert '\n    "version": 1' in cursor_text  # the file's own indentation is kept
    cursor = json.loads(cursor_text)
    assert cursor["hooks"]["afterFileEdit"][0] == {"command": "./hooks/format.sh"}
    assert cursor["hooks"]["beforeShellExecution"] == CURSOR_BEFORE["hooks"]["beforeShellExecution"]

    snapshot = {p: p.read_bytes() for p in repo.rglob("*.json") if ".git/" not in str(p)}
    again = agent_settings.install(repo)
    assert all("already installed" in m for m in again)
    assert {p: p.read_bytes() for p in snapshot} == snapshot

    msgs = agent_settings.uninstall(repo)
    assert msgs[0] == "Claude Code: removed tracemark from .claude/settings.json (other " \
                      "settings kept)"
    assert read(repo, ".claude/settings.json") == CLAUDE_BEFORE
    assert read(repo, ".cursor/hooks.json") == CURSOR_BEFORE
    assert not (repo / ".github/hooks/tracemark.json").exists()
    assert (repo / ".github/hooks/security.json").exists()
    assert all("not installed" in m for m in agent_settings.status(repo))
    assert all("not installed" in m for m in agent_settings.uninstall(repo))


def test_uninstall_deletes_files_and_folders_that_held_only_tracemark(repo: Path):
    (repo / ".claude").mkdir()
    (repo / ".claude" / "commands.md").write_text("keep me\n")
    agent_settings.install(repo)
    agent_settings.uninstall(repo)
    assert not (repo / ".claude/settings.json").exists()
    assert (repo / ".claude/commands.md").exists()
    assert not (repo / ".cursor").exists() and not (repo / ".github").exists()


def test_a_user_hook_inside_our_matcher_group_survives_uninstall(repo: Path):
    agent_settings.install(repo)
    data = read(repo, ".claude/settings.json")
    data["hooks"]["PostToolUse"][0]["hooks"].append({"type": "command", "command": "make lint"})
    write_json(repo / ".claude/settings.json", data)
    agent_settings.uninstall(repo)
    assert read(repo, ".claude/settings.json") == {"hooks": {"PostToolUse": [
        {"matcher": "Write|Edit|MultiEdit|NotebookEdit",
         "hooks": [{"type": "command", "command": "make lint"}]}]}}


def test_status_reports_a_partial_install(repo: Path):
    agent_settings.install(repo)
    data = read(repo, ".cursor/hooks.json")
    del data["hooks"]["afterTabFileEdit"]
    write_json(repo / ".cursor/hooks.json", data)
    assert agent_settings.status(repo)[1] == (
        "Cursor: partly installed in .cursor/hooks.json (missing afterTabFileEdit; run "
        "`tracemark hooks install --agents`)")
    assert "added tracemark to .cursor/hooks.json (afterTabFileEdit)" in \
        agent_settings.install(repo)[1]


@pytest.mark.parametrize(("content", "reason"), [
    ("{\"hooks\": [", "not valid JSON"),
    ("[]", "not a JSON object"),
    ("{\"hooks\": {\"PreToolUse\": {}}}", '"hooks.PreToolUse" is not a list'),
])
def test_a_broken_settings_file_stops_everything_before_anything_is_written(repo: Path,
                                                                             content, reason):
    (repo / ".claude").mkdir()
    (repo / ".claude/settings.json").write_text(content)
    with pytest.raises(InputError, match=reason):
        agent_settings.install(repo)
    assert (repo / ".claude/settings.json").read_text() == content
    assert not (repo / ".cursor").exists() and not (repo / ".github").exists()
    assert reason in agent_settings.status(repo)[0]


def test_the_installed_claude_command_records_a_payload(repo: Path):
    """The command written into .claude/settings.json, run the way Claude Code runs it (a
    shell, payload on stdin), records the agent's lines."""
    agent_settings.install(repo)
    group = read(repo, ".claude/settings.json")["hooks"]["PostToolUse"][0]
    command = group["hooks"][0]["command"]
    (repo / "hello.py").write_text("print('hi')\n")
    payload = {"session_id": "s", "cwd": str(repo), "hook_event_name": "PostToolUse",
               "tool_name": "Write", "tool_input": {"file_path": str(repo / "hello.py"),
                                                    "content": "print('hi')\n"}}
    proc = subprocess.run(["sh", "-c", command + " --sync"], cwd=repo, text=True,
                          input=json.dumps(payload), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    blame = subprocess.run(["sh", "-c", command.replace("record --hook claude",
                                                        "blame hello.py --json")],
                           cwd=repo, text=True, capture_output=True, timeout=120)
    assert json.loads(blame.stdout)["lines"][0]["tool"] == "claude-code"
