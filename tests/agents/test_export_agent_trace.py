"""Issue 9, interoperability: ``tracemark export --format agent-trace [RANGE]`` writes Agent
Trace v0.1 records: per commit, the AI lines it adds, valid against the record schema of the
specification (encoded below from the spec's text)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from support import git, tracemark

_CONTRIBUTOR = {"type": "object", "required": ["type"], "additionalProperties": False,
                "properties": {"type": {"enum": ["human", "ai", "mixed", "unknown"]},
                               "model_id": {"type": "string", "maxLength": 250}}}
AGENT_TRACE_RECORD = {
    "type": "object", "required": ["version", "id", "timestamp", "files"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "string", "pattern": r"^[0-9]+\.[0-9]+$"},
        "id": {"type": "string", "pattern": r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-"
                                            r"[89ab][0-9a-f]{3}-[0-9a-f]{12}$"},
        "timestamp": {"type": "string",
                      "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z$"},
        "vcs": {"type": "object", "required": ["type", "revision"],
                "additionalProperties": False,
                "properties": {"type": {"enum": ["git", "jj", "hg", "svn"]},
                               "revision": {"type": "string"}}},
        "tool": {"type": "object", "required": ["name", "version"],
                 "additionalProperties": False,
                 "properties": {"name": {"type": "string"}, "version": {"type": "string"}}},
        "files": {"type": "array", "items": {
            "type": "object", "required": ["path", "conversations"],
            "additionalProperties": False,
            "properties": {"path": {"type": "string"}, "conversations": {
                "type": "array", "items": {
                    "type": "object", "required": ["ranges"], "additionalProperties": False,
                    "properties": {
                        "url": {"type": "string"}, "contributor": _CONTRIBUTOR,
                        "related": {"type": "array"},
                        "ranges": {"type": "array", "items": {
                            "type": "object", "required": ["start_line", "end_line"],
                            "additionalProperties": False,
                            "properties": {"start_line": {"type": "integer", "minimum": 1},
                                           "end_line": {"type": "integer", "minimum": 1},
                                           "content_hash": {"type": "string"},
                                           "contributor": _CONTRIBUTOR}}}}}}}}},
        "metadata": {"type": "object"},
    },
}


def export(repo: Path, *args: str) -> list[dict]:
    out = tracemark("export", "--format", "agent-trace", *args, cwd=repo)
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    for rec in records:
        jsonschema.validate(rec, AGENT_TRACE_RECORD)
    return records


def write_by_agent(agent, rel: str, text: str, model_transcript: Path) -> None:
    agent.claude("Write", {"file_path": agent.path(rel), "content": text},
                 agent.writes(rel, text), transcript=model_transcript)


def test_export_head_lists_the_ai_lines_the_commit_adds(agent, transcript: Path):
    repo = agent.repo
    (repo / "app.py").write_text("import os\n")
    git(repo, "add", "app.py")
    git(repo, "commit", "-q", "-m", "base")
    text = "import os\n\n\ndef cwd():\n    return os.getcwd()\n"
    write_by_agent(agent, "app.py", text, transcript)
    (repo / "app.py").write_text(text + "# reviewed by a person\n")
    git(repo, "commit", "-q", "-am", "agent code")
    head = git(repo, "rev-parse", "HEAD").strip()
    [rec] = export(repo)
    assert rec["version"] == "0.1" and rec["vcs"] == {"type": "git", "revision": head}
    assert rec["tool"]["name"] == "tracemark"
    [f] = rec["files"]
    assert f["path"] == "app.py"
    [conv] = f["conversations"]
    assert conv["contributor"] == {"type": "ai",
                                   "model_id": "anthropic/claude-sonnet-4-5-20250929"}
    assert [(r["start_line"], r["end_line"]) for r in conv["ranges"]] == [(2, 5)]
    assert conv["ranges"][0]["content_hash"].startswith("sha256:")
    meta = rec["metadata"]["dev.tracemark"]
    assert meta["schema"] == "tracemark/agent-trace/v1"
    assert meta["conversations"]["app.py"] == [
        {"tool": "claude-code", "model": "claude-sonnet-4-5-20250929", "session": "sess-1",
         "source": "ledger"}]
    assert export(repo) == [rec]  # deterministic: same id, same timestamp


def test_export_a_range_one_record_per_commit_with_ai_lines(agent, transcript: Path):
    repo = agent.repo
    base = git(repo, "rev-parse", "HEAD").strip()
    write_by_agent(agent, "a.py", "a = 1\n", transcript)
    git(repo, "add", "a.py")
    git(repo, "commit", "-q", "-m", "a")
    (repo / "notes.txt").write_text("by hand\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-q", "-m", "human only")
    (repo / "a.py").write_text("a = 1\nb = 2\n")  # a person adds b: not AI
    tracemark("mark", "a.py", "--lines", "2", "--tool", "copilot", "--model", "gpt-4.1",
              cwd=repo)
    git(repo, "commit", "-q", "-am", "b")
    records = export(repo, f"{base}..HEAD")
    revs = git(repo, "rev-list", "--reverse", f"{base}..HEAD").split()
    assert [r["vcs"]["revision"] for r in records] == [revs[0], revs[2]]
    last = records[1]["files"][0]["conversations"]
    assert [(c["contributor"].get("model_id"), c["ranges"][0]["start_line"]) for c in last] == [
        ("openai/gpt-4.1", 2)]  # line 1 was added by an earlier commit


def test_ai_lines_a_person_edited_are_mixed(agent, transcript: Path):
    repo = agent.repo
    write_by_agent(agent, "m.py", "def f():\n    return 1\n", transcript)
    tracemark("mark", "m.py", "--lines", "1-2", "--tool", "cursor", cwd=repo)
    # Simulate an edit inside the AI text that the editor tracked: ai-modified in the ledger.
    from tracemark.gitutil import find_repo
    from tracemark.ledger import open_ledger
    from tracemark.model import Confidence, Origin, OriginKind

    with open_ledger(find_repo(repo)) as ledger:
        text = (repo / "m.py").read_text()
        ledger.mark("m.py", text, 0, len("def f():\n"), Origin(
            kind=OriginKind.AI_MODIFIED, tool="cursor", confidence=Confidence.EXACT),
            writer="test")
    git(repo, "add", "m.py")
    git(repo, "commit", "-q", "-m", "m")
    [rec] = export(repo)
    types = {(c["contributor"]["type"], c["ranges"][0]["start_line"])
             for c in rec["files"][0]["conversations"]}
    assert types == {("mixed", 1), ("ai", 2)}


def test_git_ai_notes_are_a_second_source_for_export(repo: Path, tmp_path: Path):
    (repo / "n.py").write_text("x = 1\ny = 2\n")
    git(repo, "add", "n.py")
    git(repo, "commit", "-q", "-m", "n")
    note = tmp_path / "note"
    note.write_text("n.py\n  s_0123456789abcd::t_0123456789abcd 2\n---\n" + json.dumps({
        "schema_version": "authorship/3.0.0", "base_commit_sha": "x", "prompts": {},
        "sessions": {"s_0123456789abcd": {"agent_id": {"tool": "codex", "id": "c1",
                                                       "model": "gpt-5-codex"}}}}))
    git(repo, "notes", "--ref=ai", "add", "-F", str(note), "HEAD")
    [rec] = export(repo)
    conv = rec["files"][0]["conversations"][0]
    assert conv["contributor"] == {"type": "ai", "model_id": "openai/gpt-5-codex"}
    assert conv["ranges"][0]["start_line"] == conv["ranges"][0]["end_line"] == 2
    assert rec["metadata"]["dev.tracemark"]["conversations"]["n.py"][0]["source"] == "git-ai"


def test_export_to_a_file_and_bad_ranges(repo: Path, tmp_path: Path):
    out = tracemark("export", "--format", "agent-trace", "-o", str(tmp_path / "t.jsonl"),
                    cwd=repo)
    assert out.returncode == 0 and "wrote 0 Agent Trace record(s)" in out.stderr
    assert (tmp_path / "t.jsonl").read_text() == ""
    bad = tracemark("export", "--format", "agent-trace", "nope..HEAD", cwd=repo)
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0
    assert "nope..HEAD: not a revision or range" in bad.stderr


@pytest.mark.parametrize(("model", "expected"), [
    ("claude-opus-4-5-20251101", "anthropic/claude-opus-4-5-20251101"),
    ("gpt-4.1", "openai/gpt-4.1"), ("gemini-2.5-pro", "google/gemini-2.5-pro"),
    ("openai/gpt-4o", "openai/gpt-4o"), ("my-local-model", "my-local-model"), (None, None)])
def test_model_ids_follow_the_models_dev_convention(model, expected):
    from tracemark.capture.agent_trace import model_id

    assert model_id(model) == expected
