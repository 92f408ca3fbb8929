"""Issue 9: a hook never breaks the agent. Bad payloads, files outside the repository, binary
files and odd command lines: exit 0, one line logged (stderr and .git/tracemark/agent-hooks.log),
the ledger untouched. And the default (background) path records what ``--sync`` records."""

from __future__ import annotations

import fcntl
import time
from pathlib import Path

import pytest

from support import tracemark


def claude_post(agent, rel: str, tool_input: dict) -> dict:
    return {"session_id": "s", "transcript_path": "", "cwd": str(agent.repo),
            "hook_event_name": "PostToolUse", "tool_name": "Write", "tool_input": tool_input,
            "tool_response": {"type": "create", "filePath": agent.path(rel)}}


def seed(agent) -> object:
    """A ledger with one record, so "untouched" is checked against something."""
    (agent.repo / "seed.py").write_text("s = 1\n")
    agent.send("claude", claude_post(agent, "seed.py", {"file_path": agent.path("seed.py"),
                                                        "content": "s = 1\n"}))
    state = agent.ledger_state()
    assert state is not None and state[0][0][0] == "seed.py"
    return state


@pytest.mark.parametrize("sync", [False, True])
@pytest.mark.parametrize(("hook", "raw", "reason"), [
    ("claude", "{not json", "not valid JSON"),
    ("claude", "[1, 2]", "not a JSON object"),
    ("claude", '{"hook_event_name": "PostToolUse", "tool_name": "Edit", "tool_input": 7}',
     "tool_input is not a JSON object"),
    ("cursor", '{"hook_event_name": "afterFileEdit", "edits": []}', "no file_path"),
    ("copilot", '{"tool_name": "create_file", "tool_input": {"content": "x"}}', "names no file"),
    ("generic", '{"event": "after", "tool": "t", "files": []}', '"event" must be'),
    ("claude", "\xff\xfe", "not valid JSON"),
    ("claude", "{}", "no hook_event_name"),
    ("copilot", '{"hookEventName": "PostToolUse"}', "neither tool_name"),
])
def test_malformed_payload_exits_0_logs_one_line_and_leaves_the_ledger(agent, hook, raw,
                                                                        reason, sync):
    before = seed(agent)
    r = agent.send(hook, None, raw=raw, sync=sync)
    assert r.returncode == 0
    assert len(r.stderr_lines) == 1 and reason in r.stderr_lines[0]
    assert len(r.log_lines) == 1 and reason in r.log_lines[0]
    assert agent.ledger_state() == before


def test_payload_that_fails_the_tools_schema_is_refused_by_the_drainer_in_one_line(agent):
    """The front only reads paths; the pydantic model catches the rest (here a non-string
    ``content``), before anything reaches the ledger."""
    before = seed(agent)
    (agent.repo / "w.py").write_text("w = 1\n")
    r = agent.send("claude", claude_post(agent, "w.py", {"file_path": agent.path("w.py"),
                                                         "content": 12}))
    assert r.returncode == 0
    assert len(r.log_lines) == 1 and "content: Input should be a valid string" in r.log_lines[0]
    assert agent.ledger_state() == before


def test_strict_turns_a_bad_payload_into_exit_2_for_scripts(agent):
    r = agent.send("generic", None, raw="{}", strict=True)
    assert r.returncode == 2 and len(r.stderr_lines) == 1


def test_unknown_hook_name_or_bad_command_line_never_blocks_the_tool(agent):
    r = agent.send("vim", {})
    assert r.returncode == 0 and "unknown hook 'vim'" in r.stderr_lines[0]
    out = tracemark("record", "--hook", cwd=agent.repo, input="{}")
    assert out.returncode == 0 and "bad command line" in out.stderr
    out = tracemark("record", cwd=agent.repo, input="{}")
    assert out.returncode == 0 and "--hook is required" in out.stderr


def test_a_file_outside_the_repository_is_ignored_with_one_line(agent, tmp_path: Path):
    before = seed(agent)
    other = tmp_path / "outside.py"
    other.write_text("o = 1\n")
    r = agent.send("claude", claude_post(agent, "x", {"file_path": str(other),
                                                      "content": "o = 1\n"}))
    assert r.returncode == 0
    assert len(r.log_lines) == 1 and f"ignored {other}: outside the repository" in r.log_lines[0]
    assert agent.ledger_state() == before


def test_a_binary_file_is_ignored_with_one_line(agent):
    before = seed(agent)
    (agent.repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    r = agent.send("claude", claude_post(agent, "logo.png", {
        "file_path": agent.path("logo.png"), "content": "\x89PNG"}))
    assert r.returncode == 0
    assert len(r.log_lines) == 1 and "ignored logo.png: binary file" in r.log_lines[0]
    assert agent.ledger_state() == before


def test_the_default_background_path_records_the_same_lines_and_leaves_nothing_behind(agent):
    """Without --sync the hook returns after queueing; the drainer it starts records."""
    spool = agent.repo / ".git" / "tracemark" / "agent-spool"
    for i in range(3):  # a burst, as an agent editing quickly produces
        rel = f"f{i}.py"
        text = "".join(f"line{k} = {i}\n" for k in range(i + 1))
        (agent.repo / rel).write_text(text)
        r = agent.send("claude", claude_post(agent, rel, {"file_path": agent.path(rel),
                                                          "content": text}), sync=False)
        assert (r.returncode, r.stderr_lines) == (0, [])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = agent.ledger_state()
        if state is not None and len(state[0]) == 3 and not list(spool.glob("*.json")):
            break
        time.sleep(0.1)
    assert [agent.ai_lines(f"f{i}.py") for i in range(3)] == [[1], [1, 2], [1, 2, 3]]
    assert list(spool.glob("*.json")) == []
    # The drainer has finished and let go of its lock (no process is left holding it).
    with (spool / ".lock").open("a") as fh:
        for _ in range(100):
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                time.sleep(0.1)
        else:
            pytest.fail("the drainer still holds the spool lock")


def test_an_unreadable_ledger_keeps_events_queued_until_it_is_repaired(agent):
    """Nothing is lost: events wait in the spool, in order, and land after `ledger repair`."""
    seed(agent)
    db = agent.repo / ".git" / "tracemark" / "ledger.db"
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"this is not a SQLite database" * 100)
    (agent.repo / "q.py").write_text("q = 1\n")
    r = agent.send("claude", claude_post(agent, "q.py", {"file_path": agent.path("q.py"),
                                                         "content": "q = 1\n"}))
    assert r.returncode == 0
    assert len(r.log_lines) == 1 and "ledger repair" in r.log_lines[0]
    assert "1 event(s) stay queued" in r.log_lines[0]
    spool = agent.repo / ".git" / "tracemark" / "agent-spool"
    assert len(list(spool.glob("*.json"))) == 1
    out = tracemark("ledger", "repair", cwd=agent.repo)
    assert out.returncode == 0, out.stderr
    (agent.repo / "r.py").write_text("r = 1\n")
    r = agent.send("claude", claude_post(agent, "r.py", {"file_path": agent.path("r.py"),
                                                         "content": "r = 1\n"}))
    assert r.log_lines == []
    assert agent.ai_lines("q.py") == [1] and agent.ai_lines("r.py") == [1]
    assert list(spool.glob("*.json")) == []
