"""Issue 9, Cursor, Copilot and the generic format: payloads in each tool's documented format fed
to the real ``tracemark record``; the recorded lines are checked exactly."""

from __future__ import annotations

import json
from typing import Any


def cursor_common(agent, event: str) -> dict[str, Any]:
    return {"conversation_id": "conv-7", "generation_id": "gen-1", "model": "gpt-5",
            "hook_event_name": event, "cursor_version": "1.7.2",
            "workspace_roots": [str(agent.repo)], "user_email": None, "transcript_path": None}


CONFIG = "retries = 3\ntimeout = 5\n\n\ndef load():\n    retries = 3\n    return retries\n"


def test_cursor_after_file_edit_with_old_string_twice_records_the_occurrence_that_changed(
        agent):
    """Cursor's edit names old/new strings only; ``retries = 3`` occurs twice and the agent
    changed the second: the preToolUse snapshot and the after-text place it."""
    (agent.repo / "cfg.py").write_text(CONFIG)
    pre = {**cursor_common(agent, "preToolUse"), "tool_name": "StrReplace",
           "tool_input": {"path": agent.path("cfg.py"), "old_string": "retries = 3",
                          "new_string": "retries = 5"}, "tool_use_id": "t1",
           "cwd": str(agent.repo), "agent_message": "raising retries"}
    assert agent.send("cursor", pre).log_lines == []
    after = CONFIG.replace("    retries = 3", "    retries = 5")
    (agent.repo / "cfg.py").write_text(after)
    post = {**cursor_common(agent, "afterFileEdit"), "file_path": agent.path("cfg.py"),
            "edits": [{"old_string": "retries = 3", "new_string": "retries = 5"}]}
    r = agent.send("cursor", post)
    assert (r.returncode, r.log_lines) == (0, [])
    lines = agent.blame("cfg.py")
    assert [ln["line"] for ln in lines if ln["kind"] == "ai"] == [6]
    assert (lines[5]["tool"], lines[5]["model"], lines[5]["session"]) == (
        "cursor", "gpt-5", "conv-7")


def test_cursor_after_file_edit_without_pre_hook_undoes_the_edit_to_place_it(agent):
    (agent.repo / "cfg.py").write_text(CONFIG.replace("timeout = 5", "timeout = 30"))
    r = agent.send("cursor", {**cursor_common(agent, "afterFileEdit"),
                              "file_path": agent.path("cfg.py"),
                              "edits": [{"old_string": "timeout = 5",
                                         "new_string": "timeout = 30"}]})
    assert r.log_lines == []
    assert agent.ai_lines("cfg.py") == [2]


def test_cursor_tab_edit_records_the_lines_of_its_range(agent):
    text = "def area(r):\n    return 3.14159 * r * r\n"
    (agent.repo / "geo.py").write_text(text)
    r = agent.send("cursor", {**cursor_common(agent, "afterTabFileEdit"),
                              "file_path": agent.path("geo.py"), "edits": [{
                                  "old_string": "", "new_string": "3.14159 * r * r",
                                  "range": {"start_line_number": 2, "start_column": 12,
                                            "end_line_number": 2, "end_column": 12},
                                  "old_line": "    return ",
                                  "new_line": "    return 3.14159 * r * r"}]})
    assert r.log_lines == []
    assert agent.ai_lines("geo.py") == [2]
    assert {o["source"] for o in agent.origins("geo.py")} == {"hook:cursor-tab"}


def test_cursor_post_tool_use_is_left_to_after_file_edit(agent):
    (agent.repo / "x.py").write_text("x = 1\n")
    r = agent.send("cursor", {**cursor_common(agent, "postToolUse"), "tool_name": "Write",
                              "tool_input": {"path": agent.path("x.py")},
                              "tool_output": "ok", "duration": 12, "cwd": str(agent.repo)})
    assert (r.returncode, r.log_lines) == (0, [])
    assert agent.ledger_state() is None


def vscode(agent, event: str, tool: str, tool_input: dict[str, Any], **extra) -> dict:
    return {"timestamp": "2026-02-09T10:30:00.000Z", "cwd": str(agent.repo),
            "sessionId": "vs-42", "hookEventName": event, "transcript_path": None,
            "tool_name": tool, "tool_input": tool_input, "tool_use_id": "tool-123", **extra}


def test_copilot_vscode_create_file_and_replace_string(agent):
    text = "const a = 1;\nconst b = 2;\n"
    inp = {"filePath": agent.path("src/m.js"), "content": text}
    agent.send("copilot", vscode(agent, "PreToolUse", "create_file", inp))
    (agent.repo / "src").mkdir()
    (agent.repo / "src/m.js").write_text(text)
    r = agent.send("copilot", vscode(agent, "PostToolUse", "create_file", inp,
                                     tool_response="File created"))
    assert r.log_lines == []
    assert agent.ai_lines("src/m.js") == [1, 2]
    (agent.repo / "src/m.js").write_text("// by hand\n" + text)
    inp = {"filePath": agent.path("src/m.js"), "oldString": "const b = 2;",
           "newString": "const b = 3;", "explanation": "bump"}
    agent.send("copilot", vscode(agent, "PreToolUse", "replace_string_in_file", inp))
    (agent.repo / "src/m.js").write_text("// by hand\nconst a = 1;\nconst b = 3;\n")
    agent.send("copilot", vscode(agent, "PostToolUse", "replace_string_in_file", inp,
                                 tool_response="ok"))
    lines = agent.blame("src/m.js")
    assert [ln["kind"] for ln in lines] == ["human", "ai", "ai"]
    assert (lines[2]["tool"], lines[2]["session"]) == ("copilot", "vs-42")


def test_copilot_multi_replace_across_two_files_and_a_file_outside_the_repo(agent, tmp_path):
    (agent.repo / "a.py").write_text("A = 1\n")
    (agent.repo / "b.py").write_text("B = 1\n")
    outside = tmp_path / "elsewhere.py"
    outside.write_text("C = 1\n")
    inp = {"explanation": "bump", "replacements": [
        {"filePath": agent.path("a.py"), "oldString": "A = 1", "newString": "A = 2"},
        {"filePath": agent.path("b.py"), "oldString": "B = 1", "newString": "B = 2"},
        {"filePath": str(outside), "oldString": "C = 1", "newString": "C = 2"}]}
    pre = agent.send("copilot", vscode(agent, "PreToolUse", "multi_replace_string_in_file", inp))
    assert len(pre.log_lines) == 1 and "outside the repository" in pre.log_lines[0]
    for name, text in (("a.py", "A = 2\n"), ("b.py", "B = 2\n")):
        (agent.repo / name).write_text(text)
    outside.write_text("C = 2\n")
    r = agent.send("copilot", vscode(agent, "PostToolUse", "multi_replace_string_in_file", inp,
                                     tool_response="ok"))
    assert r.returncode == 0
    assert len(r.log_lines) == 1 and str(outside) in r.log_lines[0]
    assert agent.ai_lines("a.py") == [1] and agent.ai_lines("b.py") == [1]


def test_copilot_edit_files_with_only_paths_records_what_changed_between_pre_and_post(agent):
    (agent.repo / "u.py").write_text("def u():\n    pass\n")
    inp = {"files": [agent.path("u.py")]}
    agent.send("copilot", vscode(agent, "PreToolUse", "editFiles", inp))
    (agent.repo / "u.py").write_text("def u():\n    return 1\n\n\ndef v():\n    return 2\n")
    agent.send("copilot", vscode(agent, "PostToolUse", "editFiles", inp, tool_response="ok"))
    assert agent.ai_lines("u.py") == [2, 3, 4, 5, 6]


def test_copilot_apply_patch_records_the_added_lines(agent):
    (agent.repo / "p.py").write_text("x = 1\ny = 2\n")
    patch = ("*** Begin Patch\n*** Update File: " + agent.path("p.py") +
             "\n@@\n x = 1\n-y = 2\n+y = 3\n+z = 4\n*** End Patch")
    inp = {"input": patch, "explanation": "update"}
    agent.send("copilot", vscode(agent, "PreToolUse", "apply_patch", inp))
    (agent.repo / "p.py").write_text("x = 1\ny = 3\nz = 4\n")
    r = agent.send("copilot", vscode(agent, "PostToolUse", "apply_patch", inp,
                                     tool_response="ok"))
    assert r.log_lines == []
    assert agent.ai_lines("p.py") == [2, 3]


def test_copilot_cli_edit_with_json_string_tool_args(agent):
    (agent.repo / "c.py").write_text("v = 'old'\nw = 1\n")
    args = json.dumps({"path": agent.path("c.py"), "old_str": "v = 'old'", "new_str": "v = 'new'"})
    pre = {"timestamp": 1704614400000, "cwd": str(agent.repo), "toolName": "edit",
           "toolArgs": args}
    agent.send("copilot", pre)
    (agent.repo / "c.py").write_text("v = 'new'\nw = 1\n")
    r = agent.send("copilot", {**pre, "toolResult": {"resultType": "success",
                                                     "textResultForLlm": "edited"}})
    assert r.log_lines == []
    assert agent.ai_lines("c.py") == [1]


def test_generic_before_and_after_edit_with_content(agent):
    (agent.repo / "g.py").write_text("keep = True\n")
    before = {"schema": "tracemark/agent-hook/v1", "event": "before-edit", "tool": "aider",
              "model": "gpt-4.1", "session": "chat-9", "files": [{"path": "g.py"}]}
    assert agent.send("generic", before).log_lines == []
    text = "keep = True\nadded = 1\nalso = 2\n"
    (agent.repo / "g.py").write_text(text)
    r = agent.send("generic", {**before, "event": "after-edit",
                               "files": [{"path": "g.py", "content": text}]})
    assert r.log_lines == []
    lines = agent.blame("g.py")
    assert [ln["kind"] for ln in lines] == ["human", "ai", "ai"]
    assert (lines[1]["tool"], lines[1]["model"], lines[1]["session"]) == (
        "aider", "gpt-4.1", "chat-9")


def test_generic_declared_lines_are_recorded_as_given(agent):
    (agent.repo / "d.py").write_text("a\nb\nc\nd\n")
    r = agent.send("generic", {"event": "after-edit", "tool": "my-agent",
                               "files": [{"path": "d.py", "lines": [{"start": 2, "end": 3}]}]})
    assert r.log_lines == []
    assert agent.ai_lines("d.py") == [2, 3]


def test_generic_payload_with_an_unknown_field_is_refused_in_one_line(agent):
    (agent.repo / "d.py").write_text("a\n")
    r = agent.send("generic", {"event": "after-edit", "tool": "t", "files": [
        {"path": "d.py", "line": [1]}]})
    assert r.returncode == 0
    assert len(r.log_lines) == 1 and "files.0.line" in r.log_lines[0]
    assert agent.ledger_state() is None


def test_vscode_payloads_reaching_the_claude_hook_are_left_to_the_copilot_hook(agent):
    """VS Code also runs the hooks in .claude/settings.json, with its own payloads."""
    (agent.repo / "v.py").write_text("v = 1\n")
    inp = {"filePath": agent.path("v.py"), "content": "v = 1\n"}
    r = agent.send("claude", vscode(agent, "PostToolUse", "create_file", inp,
                                    tool_response="ok"))
    assert (r.returncode, r.stderr_lines, r.log_lines) == (0, [], [])
    assert agent.ledger_state() is None
