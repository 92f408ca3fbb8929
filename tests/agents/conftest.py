"""Fixtures for the agent-hook tests: payloads fed to the real ``tracemark record`` subprocess,
in a real git repository, and the ledger read back through ``tracemark blame --json``."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from support import tracemark


@dataclass
class Result:
    returncode: int
    stderr_lines: list[str]
    log_lines: list[str]


class Agent:
    """Drives ``tracemark record`` the way an agent's hook runner does."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.log_file = repo / ".git" / "tracemark" / "agent-hooks.log"

    def send(self, hook: str, payload: Any, *, sync: bool = True, strict: bool = False,
             raw: str | None = None) -> Result:
        before = self.log_lines()
        args = ["record", "--hook", hook] + (["--sync"] if sync else []) + (
            ["--strict"] if strict else [])
        out = tracemark(*args, cwd=self.repo,
                        input=raw if raw is not None else json.dumps(payload))
        return Result(out.returncode, out.stderr.splitlines(), self.log_lines()[len(before):])

    def log_lines(self) -> list[str]:
        try:
            return self.log_file.read_text().splitlines()
        except FileNotFoundError:
            return []

    def writes(self, rel: str, text: str) -> Callable[[], None]:
        """The tool's own write of ``rel``, as a callable to run between the two hooks."""
        return lambda: (self.repo / rel).write_text(text, encoding="utf-8", newline="")

    def path(self, rel: str) -> str:
        return str(self.repo / rel)

    # -- Claude Code -----------------------------------------------------------------------

    def claude(self, tool: str, tool_input: dict[str, Any], write: Callable[[], None] | None,
               *, response: Any = None, pre: bool = True, session: str = "sess-1",
               transcript: Path | None = None) -> Result:
        """PreToolUse, then the tool's write (``write``), then PostToolUse."""
        common = {"session_id": session, "transcript_path": str(transcript or ""),
                  "cwd": str(self.repo), "permission_mode": "default",
                  "tool_name": tool, "tool_input": tool_input, "tool_use_id": "toolu_01"}
        if pre:
            r = self.send("claude", {**common, "hook_event_name": "PreToolUse"})
            assert r.returncode == 0 and not r.stderr_lines, r
        if write is not None:
            write()
        post = {**common, "hook_event_name": "PostToolUse"}
        if response is not None:
            post["tool_response"] = response
        return self.send("claude", post)

    # -- reading back ----------------------------------------------------------------------

    def blame(self, rel: str) -> list[dict[str, Any]]:
        out = tracemark("blame", rel, "--json", cwd=self.repo)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)["lines"]

    def ai_lines(self, rel: str) -> list[int]:
        return [ln["line"] for ln in self.blame(rel) if ln["kind"] == "ai"]

    def ledger_state(self) -> Any:
        """Everything the ledger holds, to show it was left untouched."""
        db = self.repo / ".git" / "tracemark" / "ledger.db"
        if not db.exists():
            return None
        con = sqlite3.connect(db)
        try:
            return (con.execute("SELECT path, revision, sha256 FROM files ORDER BY path")
                    .fetchall(), con.execute("SELECT count(*) FROM events").fetchone())
        except sqlite3.OperationalError:
            return None  # a drainer is creating the database right now
        finally:
            con.close()

    def origins(self, rel: str) -> list[dict[str, Any]]:
        """The stored origins of ``rel``'s spans (source, tool, model, session, confidence)."""
        db = self.repo / ".git" / "tracemark" / "ledger.db"
        con = sqlite3.connect(db)
        try:
            rows = con.execute(
                "SELECT o.key FROM spans s JOIN files f ON f.id = s.file_id JOIN origins o"
                " ON o.id = s.origin_id WHERE f.path = ? ORDER BY s.start", (rel,)).fetchall()
        finally:
            con.close()
        return [json.loads(r[0]) for r in rows]


@pytest.fixture
def agent(repo: Path) -> Agent:
    return Agent(repo)


@pytest.fixture
def transcript(tmp_path: Path) -> Path:
    """A Claude Code transcript (JSON lines) whose last assistant turn names the model."""
    p = tmp_path / "transcript.jsonl"
    lines = [
        {"type": "user", "message": {"role": "user", "content": "add retries"}},
        {"type": "assistant", "message": {"model": "claude-opus-4-1-20250805", "role":
                                          "assistant", "content": []}},
        {"type": "user", "message": {"role": "user", "content": "and a timeout"}},
        {"type": "assistant", "message": {"model": "claude-sonnet-4-5-20250929", "role":
                                          "assistant", "content": [{"type": "tool_use"}]}},
    ]
    p.write_text("".join(json.dumps(x) + "\n" for x in lines))
    return p


