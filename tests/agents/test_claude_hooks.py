"""Issue 9, Claude Code: PreToolUse/PostToolUse payloads in Claude Code's documented format fed
to the real ``tracemark record --hook claude``; the recorded lines are checked exactly."""

from __future__ import annotations

import json
from pathlib import Path

from support import tracemark


def kinds(agent, rel: str) -> list[str]:
    return [ln["kind"] for ln in agent.blame(rel)]


def test_write_of_a_new_file_records_every_line_with_tool_model_and_session(
        agent, transcript: Path):
    """Write: tool claude-code, the model from the transcript's last assistant turn, the
    session from the payload."""
    text = "import os\n\n\ndef main():\n    return os.getcwd()\n"
    r = agent.claude("Write", {"file_path": agent.path("app.py"), "content": text},
                     agent.writes("app.py", text), transcript=transcript,
                     response={"type": "create", "filePath": agent.path("app.py"),
                               "content": text, "structuredPatch": []})
    assert r.returncode == 0 and r.stderr_lines == [] and r.log_lines == []
    lines = agent.blame("app.py")
    assert [ln["kind"] for ln in lines] == ["ai"] * 5
    assert {(ln["tool"], ln["model"], ln["session"]) for ln in lines} == {
        ("claude-code", "claude-sonnet-4-5-20250929", "sess-1")}
    assert {o["source"] for o in agent.origins("app.py")} == {"hook:claude"}


def test_edit_records_the_changed_line_not_the_context_it_repeats(agent):
    (agent.repo / "net.py").write_text(
        "def fetch(url):\n    resp = get(url)\n    return resp.json()\n")
    after = "def fetch(url):\n    resp = get(url, timeout=10)\n    return resp.json()\n"
    agent.claude("Edit", {"file_path": agent.path("net.py"),
                          "old_string": "    resp = get(url)\n    return resp.json()",
                          "new_string": "    resp = get(url, timeout=10)\n    return resp.json()"},
                 agent.writes("net.py", after))
    assert kinds(agent, "net.py") == ["human", "ai", "human"]


DOUBLE = ("import requests\n\n"
          "def a():\n    return requests.get(URL, verify=False)\n\n"
          "def b():\n    return requests.post(URL, verify=False)\n")


def test_edit_whose_old_string_occurs_twice_with_replace_all_records_both(agent):
    (agent.repo / "api.py").write_text(DOUBLE)
    after = DOUBLE.replace("verify=False", "verify=True")
    agent.claude("Edit", {"file_path": agent.path("api.py"), "old_string": "verify=False",
                          "new_string": "verify=True", "replace_all": True},
                 agent.writes("api.py", after))
    assert agent.ai_lines("api.py") == [4, 7]


def test_edit_whose_new_text_already_occurs_elsewhere_records_the_edited_occurrence(agent):
    """``new_string`` is found twice in the file afterwards: the before-snapshot tells which."""
    before = "def a():\n    return 1\n\ndef b():\n    return 2\n"
    (agent.repo / "ab.py").write_text(before)
    after = before.replace("    return 2", "    return 1")
    agent.claude("Edit", {"file_path": agent.path("ab.py"), "old_string": "    return 2",
                          "new_string": "    return 1"}, agent.writes("ab.py", after))
    assert agent.ai_lines("ab.py") == [5]


def test_edit_with_old_string_twice_and_no_before_snapshot_records_nothing_and_says_so(agent):
    """Without PreToolUse (or the tool's patch), a replace_all whose new text is everywhere
    cannot be placed: one line logged, nothing guessed, exit 0."""
    (agent.repo / "api.py").write_text(DOUBLE.replace("verify=False", "verify=True"))
    r = agent.claude("Edit", {"file_path": agent.path("api.py"), "old_string": "verify=False",
                              "new_string": "verify=True", "replace_all": True}, None, pre=False)
    assert r.returncode == 0
    assert len(r.log_lines) == 1 and "cannot tell which lines" in r.log_lines[0]
    assert len(r.stderr_lines) == 1
    assert agent.ledger_state() is None or agent.ai_lines("api.py") == []


def test_multiedit_counts_a_later_edit_of_a_line_the_first_edit_wrote(agent):
    (agent.repo / "xyz.py").write_text("x = 1\ny = 2\nz = 3\n")
    after = "x = 10\nw = 42\ny = 2\nz = 3  # kept\n"
    agent.claude("MultiEdit", {"file_path": agent.path("xyz.py"), "edits": [
        {"old_string": "x = 1", "new_string": "x = 10\nw = 0"},
        {"old_string": "w = 0", "new_string": "w = 42"},
        {"old_string": "z = 3", "new_string": "z = 3  # kept"}]}, agent.writes("xyz.py", after))
    assert kinds(agent, "xyz.py") == ["ai", "ai", "human", "ai"]


STEP1 = "def a():\n    return 1\n"
PERSON = STEP1 + "\n\ndef helper():\n    return 'h'\n"
STEP2 = ("def a():\n    return 2\n\n\ndef helper():\n    return 'h'\n"
         "\n\ndef b():\n    return 3\n")


def _person_edited_then_rewritten(agent, *, pre: bool, response=None) -> None:
    agent.claude("Write", {"file_path": agent.path("mod.py"), "content": STEP1},
                 agent.writes("mod.py", STEP1))
    (agent.repo / "mod.py").write_text(PERSON)  # a person, between two agent steps
    r = agent.claude("Write", {"file_path": agent.path("mod.py"), "content": STEP2},
                     agent.writes("mod.py", STEP2), pre=pre, response=response)
    assert r.returncode == 0 and r.log_lines == []


def test_write_replacing_a_file_a_person_edited_keeps_the_persons_lines_human(agent):
    """The PreToolUse snapshot separates the person's helper() from what the agent wrote."""
    _person_edited_then_rewritten(agent, pre=True)
    assert kinds(agent, "mod.py") == ["ai", "ai", "human", "human", "human", "human",
                                      "ai", "ai", "ai", "ai"]


def test_write_replacing_a_person_edited_file_uses_original_file_when_pre_hook_is_missing(
        agent):
    _person_edited_then_rewritten(agent, pre=False, response={
        "type": "update", "filePath": agent.path("mod.py"), "content": STEP2,
        "originalFile": PERSON})
    assert kinds(agent, "mod.py") == ["ai", "ai", "human", "human", "human", "human",
                                      "ai", "ai", "ai", "ai"]


def test_structured_patch_places_the_edit_when_its_new_text_is_not_unique(agent):
    (agent.repo / "b.py").write_text("a = 1\nb = 2\nb = 20\n")
    after = "a = 1\nb = 20\nb = 20\n"
    (agent.repo / "b.py").write_text(after)
    r = agent.claude("Edit", {"file_path": agent.path("b.py"), "old_string": "b = 2\n",
                              "new_string": "b = 20\n"}, None, pre=False, response={
        "filePath": agent.path("b.py"), "oldString": "b = 2\n", "newString": "b = 20\n",
        "structuredPatch": [{"oldStart": 1, "oldLines": 3, "newStart": 1, "newLines": 3,
                             "lines": [" a = 1", "-b = 2", "+b = 20", " b = 20"]}],
        "userModified": False, "replaceAll": False})
    assert r.log_lines == []
    assert agent.ai_lines("b.py") == [2]


def _notebook(cells: list[dict]) -> str:
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3"}}, "nbformat": 4,
          "nbformat_minor": 5}
    return json.dumps(nb, indent=1) + "\n"


def _code(cid: str, source: list[str], count: int | None) -> dict:
    return {"cell_type": "code", "execution_count": count, "id": cid, "metadata": {},
            "outputs": [], "source": source}


def test_notebook_edit_records_the_json_lines_of_the_new_cell_source(agent):
    md = {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": ["# Load\n"]}
    before = _notebook([md, _code("c1", ["import pandas as pd\n",
                                         "df = pd.read_csv('a.csv')"], 3)])
    (agent.repo / "load.ipynb").write_text(before)
    new_source = "import pandas as pd\ndf = pd.read_csv('b.csv')\nprint(df.head())"
    after = _notebook([md, _code("c1", ["import pandas as pd\n", "df = pd.read_csv('b.csv')\n",
                                        "print(df.head())"], None)])
    r = agent.claude("NotebookEdit", {"notebook_path": agent.path("load.ipynb"),
                                      "cell_id": "c1", "new_source": new_source,
                                      "edit_mode": "replace"}, agent.writes("load.ipynb", after),
                     response={"new_source": new_source, "cell_id": "c1", "cell_type": "code",
                               "language": "python", "edit_mode": "replace"})
    assert r.log_lines == []
    text = after.splitlines()
    want = [i + 1 for i, ln in enumerate(text)
            if "pd.read_csv('b.csv')" in ln or "print(df.head())" in ln]
    assert len(want) == 2
    assert agent.ai_lines("load.ipynb") == want  # not the unchanged import, nor the metadata


def test_pre_and_post_for_a_tool_that_writes_no_file_are_ignored_silently(agent):
    for event in ("PreToolUse", "PostToolUse"):
        r = agent.send("claude", {"session_id": "s", "cwd": str(agent.repo),
                                  "hook_event_name": event, "tool_name": "Bash",
                                  "tool_input": {"command": "ls"}})
        assert (r.returncode, r.stderr_lines, r.log_lines) == (0, [], [])
    assert agent.ledger_state() is None


def test_record_help_lists_the_hook_formats(repo: Path):
    out = tracemark("record", "--help", cwd=repo)
    assert out.returncode == 0 and "claude, cursor, copilot, generic" in out.stdout
    top = tracemark("--help", cwd=repo)
    assert "record" in top.stdout
