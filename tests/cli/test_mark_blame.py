"""``tracemark mark`` and ``tracemark blame`` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import tracemark

SRC = "import os\n\ndef f():\n    return os.getcwd()\n"


@pytest.fixture
def src(repo: Path) -> Path:
    (repo / "pkg").mkdir()
    p = repo / "pkg" / "mod.py"
    p.write_text(SRC)
    return p


def test_mark_then_blame_json_contract(repo: Path, src: Path):
    out = tracemark("mark", "pkg/mod.py", "--lines", "3-4", "--tool", "copilot",
                    "--model", "gpt-4.1", "--session", "abc", cwd=repo)
    assert out.returncode == 0, out.stderr
    assert "lines 3-4 marked ai (copilot gpt-4.1)" in out.stdout
    out = tracemark("blame", "pkg/mod.py", "--json", cwd=repo)
    doc = json.loads(out.stdout)
    assert doc["schema"] == "tracemark/blame/v1" and doc["file"] == "pkg/mod.py"
    assert [ln["line"] for ln in doc["lines"]] == [1, 2, 3, 4]
    assert [ln["kind"] for ln in doc["lines"]] == ["human", "human", "ai", "ai"]
    third = doc["lines"][2]
    assert (third["tool"], third["model"], third["session"], third["reviewed"]) == (
        "copilot", "gpt-4.1", "abc", False)


def test_blame_from_a_subdirectory_and_unknown_files(repo: Path, src: Path):
    out = tracemark("blame", "mod.py", "--json", cwd=src.parent)
    assert out.returncode == 0, out.stderr
    assert {ln["kind"] for ln in json.loads(out.stdout)["lines"]} == {"unknown"}


def test_human_and_reviewed_marks(repo: Path, src: Path):
    tracemark("mark", "pkg/mod.py", "--lines", "1-4", "--tool", "cursor", cwd=repo)
    assert tracemark("mark", "pkg/mod.py", "--lines", "1", "--human", cwd=repo).returncode == 0
    assert tracemark("mark", "pkg/mod.py", "--lines", "3-4", "--reviewed",
                     cwd=repo).returncode == 0
    lines = json.loads(tracemark("blame", "pkg/mod.py", "--json", cwd=repo).stdout)["lines"]
    assert [ln["kind"] for ln in lines] == ["human", "ai", "reviewed", "reviewed"]
    assert lines[2]["reviewed"] is True and lines[2]["tool"] == "cursor"


def test_text_blame_shows_tool_and_source(repo: Path, src: Path):
    tracemark("mark", "pkg/mod.py", "--lines", "3", "--tool", "copilot", cwd=repo)
    out = tracemark("blame", "pkg/mod.py", cwd=repo).stdout.splitlines()
    assert "ai" in out[2] and "copilot" in out[2] and out[2].endswith("| def f():")
    assert "human" in out[0]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["mark", "pkg/mod.py", "--lines", "3-9", "--tool", "x"], "line 9 is past the end"),
        (["mark", "pkg/mod.py", "--lines", "0-1", "--tool", "x"], "starts at 1"),
        (["mark", "pkg/mod.py", "--lines", "a-b", "--tool", "x"], "expected A-B"),
        (["mark", "pkg/mod.py", "--lines", "1"], "--tool is required"),
        (["mark", "missing.py", "--lines", "1", "--tool", "x"], "no such file"),
        (["mark", "bin.dat", "--lines", "1", "--tool", "x"], "binary file"),
        (["mark", "latin1.txt", "--lines", "1", "--tool", "x"], "not UTF-8"),
        (["blame", "../outside.py"], "outside the repository"),
        (["mark", "pkg", "--lines", "1", "--tool", "x"], "is a directory"),
    ],
)
def test_errors_are_one_line_with_exit_2(repo: Path, src: Path, args, reason):
    (repo / "bin.dat").write_bytes(b"\x7fELF\x00\x01")
    (repo / "latin1.txt").write_bytes(b"caf\xe9\n")
    (repo.parent / "outside.py").write_text("x = 1\n")
    out = tracemark(*args, cwd=repo)
    assert out.returncode == 2
    assert out.stderr.startswith("tracemark: error: ") and out.stderr.count("\n") == 1
    assert reason in out.stderr


def test_not_a_git_repository(tmp_path: Path):
    (tmp_path / "a.py").write_text("x = 1\n")
    out = tracemark("blame", "a.py", cwd=tmp_path)
    assert out.returncode == 2 and "not inside a git repository" in out.stderr


def test_every_command_has_help(repo: Path):
    out = tracemark("--help", cwd=repo)
    assert out.returncode == 0
    commands = [c for c in ("mark", "blame", "ledger", "demo") if c in out.stdout]
    assert commands == ["mark", "blame", "ledger", "demo"]
    for c in commands:
        sub = tracemark(c, "--help", cwd=repo)
        assert sub.returncode == 0 and "usage: tracemark " + c in sub.stdout


def test_demo_runs_end_to_end(repo: Path):
    out = tracemark("demo", cwd=repo)
    assert out.returncode == 0, out.stderr
    assert "ai          copilot gpt-4.1" in out.stdout
