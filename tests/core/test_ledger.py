"""The ledger: merging writers, concurrency across processes, kill -9, and a corrupt database."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracemark.gitutil import find_repo
from tracemark.ledger import Ledger, LedgerError
from tracemark.model import Origin, OriginKind
from tracemark.tracking import classify_lines

from support import ROOT, tracemark

WRITER = ROOT / "tests" / "ledger_writer.py"
AI = Origin(kind=OriginKind.AI, tool="copilot", model="gpt-4.1")
TEXT = "a = 1\nb = 2\nc = 3\n"


def kinds(text, spans):
    return [lo.kind.value for lo in classify_lines(text, spans)]


def test_lives_in_the_git_common_dir_in_wal_mode(repo: Path):
    with Ledger.for_repo(find_repo(repo)) as led:
        led.mark("a.py", TEXT, 0, 6, AI, writer="t")
        assert led.path == repo / ".git" / "tracemark" / "ledger.db"
        mode = sqlite3.connect(led.path).execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"


def test_a_writer_never_erases_newer_claims_of_another(repo: Path):
    r = find_repo(repo)
    editor, agent = Ledger.for_repo(r), Ledger.for_repo(r)
    editor.mark("a.py", TEXT, 0, 6, AI, writer="lsp")  # line 1 AI, via the editor
    stale_view = editor.load("a.py", TEXT)
    agent_origin = Origin(kind=OriginKind.AI, tool="claude-code")
    agent.mark("a.py", TEXT, 12, 18, agent_origin, writer="hook")  # line 3, via an agent
    # the editor saves its (older) view of the file: the agent's line must survive
    editor.record("a.py", TEXT, stale_view, writer="lsp")
    spans = agent.load("a.py", TEXT)
    assert kinds(TEXT, spans) == ["ai", "human", "ai"]
    assert {s.origin.tool for s in spans} == {"copilot", "claude-code"}


def test_a_review_is_a_newer_claim_than_the_write(repo: Path):
    led = Ledger.for_repo(find_repo(repo))
    led.mark("a.py", TEXT, 0, 18, AI, writer="lsp")
    stale = led.load("a.py", TEXT)
    led.review("a.py", TEXT, 0, 6, writer="cli")
    led.record("a.py", TEXT, stale, writer="lsp")  # the editor's unreviewed view comes back
    assert kinds(TEXT, led.load("a.py", TEXT)) == ["reviewed", "ai", "ai"]


def test_revision_counts_writes(repo: Path):
    led = Ledger.for_repo(find_repo(repo))
    assert led.revision("a.py") == 0 and not led.knows("a.py")
    led.mark("a.py", TEXT, 0, 6, AI, writer="t")
    led.mark("a.py", TEXT, 6, 12, AI, writer="t")
    assert led.revision("a.py") == 2


def _run_writers(repo: Path, n: int, count: int, *extra: str) -> list[str]:
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(repo), str(w), str(count), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for w in range(n)
    ]
    acks = []
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        acks += [line for line in out.splitlines() if line.startswith("ack ")]
    return acks


def test_four_processes_writing_at_once_lose_nothing(repo: Path):
    acks = _run_writers(repo, 4, 25) + _run_writers(repo, 4, 25, "--same-file")
    assert len(acks) == 200
    led = Ledger.for_repo(find_repo(repo))
    files = set(led.files())
    for ack in acks:
        _, path, line = ack.split()
        assert path in files
        if path == "shared.py":
            rec = led.get(path)
            assert rec is not None
            lines = classify_lines(rec.text, rec.spans)
            assert lines[int(line) - 1].kind is OriginKind.AI, f"line {line} lost"
    shared = led.get("shared.py")
    assert shared is not None
    ai = [lo for lo in classify_lines(shared.text, shared.spans) if lo.kind is OriginKind.AI]
    assert len(ai) == 100
    assert {lo.tool for lo in ai} == {"writer-0", "writer-1", "writer-2", "writer-3"}
    assert led.check() == []


def test_a_writer_killed_mid_transaction_leaves_every_acknowledged_record(repo: Path):
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(repo), "7", "100000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    acks: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while len(acks) < 40 and time.monotonic() < deadline:
        acks.append(proc.stdout.readline().strip())
    os.kill(proc.pid, signal.SIGKILL)  # very likely inside a transaction: it writes non-stop
    rest, _ = proc.communicate(timeout=30)
    acks += [line for line in rest.splitlines() if line.startswith("ack ")]
    proc.wait()
    led = Ledger.for_repo(find_repo(repo))
    assert led.check() == []
    files = set(led.files())
    missing = [a for a in acks if a.split()[1] not in files]
    assert not missing and len(acks) >= 40


def test_a_corrupt_ledger_is_refused_with_a_reason_and_left_intact(repo: Path):
    path = repo / ".git" / "tracemark" / "ledger.db"
    path.parent.mkdir(parents=True)
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    with pytest.raises(LedgerError, match=r"unreadable.*left untouched.*ledger repair"):
        Ledger(path)
    assert path.read_bytes() == garbage
    (repo / "a.py").write_text(TEXT)
    proc = tracemark("blame", "a.py", cwd=repo)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "unreadable" in proc.stderr
    assert path.read_bytes() == garbage


def test_repair_salvages_readable_records_and_keeps_the_damaged_file(repo: Path):
    led = Ledger.for_repo(find_repo(repo))
    led.mark("a.py", TEXT, 0, 6, AI, writer="t")
    led.close()
    proc = tracemark("ledger", "repair", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert "1 file record" in proc.stdout
    kept = list((repo / ".git" / "tracemark").glob("ledger.db.damaged-*"))
    assert kept
    assert Ledger.for_repo(find_repo(repo)).load("a.py", TEXT)[0].origin.tool == "copilot"
