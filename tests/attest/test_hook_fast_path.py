"""Issue 11 (issue 7's 150 ms hook target): the commit hook's fast path loses nothing.

The hook now builds the record in its wire form, reads the ledger through a read-only view and
runs only the rules that could match, so that a commit whose AI lines no rule can match
imports neither pydantic nor tree-sitter. These tests hold each shortcut to the code it
replaces: the same bytes as the pydantic model, the same lines as the ledger, the same findings
as the whole rule pack, and the hook's imports as a fact about the real hook process.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from attest_support import APP, commit, mark, message, verify, write
from hypothesis import given, settings
from hypothesis import strategies as st

from tracemark.attest.ledger_view import LedgerView, open_for_hook
from tracemark.attest.record import _time, build_record
from tracemark.attest.trailers import decode_record, parse_message
from tracemark.gitutil import find_repo
from tracemark.ledger import Ledger, LedgerError
from tracemark.model import CommitStatus, Origin, OriginKind, ProvenanceRecord
from tracemark.tracking import classify_lines

from support import git

#: AI lines no rule of the pack can match (no word any rule needs is in the file).
BENIGN = """\
def total(items):
    return sum(item.price for item in items)


def ai_written(items):
    ranked = sorted(items, key=lambda item: item.price)
    return ranked[:10]
"""

SINKS = """\
import hashlib
import subprocess


def ai_written(cmd):
    digest = hashlib.md5(cmd.encode()).hexdigest()
    subprocess.run(cmd, shell=True)
    return digest
"""


def _hook(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The commit-msg hook as git runs it, on a fresh message file, with ``-X importtime``."""
    msg = root / ".git" / "TEST_MSG"
    msg.write_text("A change\n")
    env = {**os.environ, "TRACEMARK_GIT_PID": "", "PYDANTIC_DISABLE_PLUGINS": "__all__"}
    return subprocess.run([sys.executable, "-X", "importtime", *extra, "-m",
                           "tracemark.attest.hook", "commit-msg", str(msg)],
                          cwd=root, capture_output=True, text=True, env=env, timeout=120)


def _imported(stderr: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in stderr.splitlines()
            if line.startswith("import time:")}


def _record_of(root: Path) -> dict:
    parsed = parse_message((root / ".git" / "TEST_MSG").read_text())
    return json.loads(decode_record(parsed.records[0].record.value))


def test_ai_lines_no_rule_can_match_are_attested_without_pydantic_or_tree_sitter(arepo: Path):
    from tracemark.attest.scan_summary import cached_catalog, default_cache_dir

    write(arepo, "app.py", BENIGN)
    mark(arepo, "app.py", "5-7", "copilot", "gpt-4.1")
    git(arepo, "add", "app.py")
    _hook(arepo)  # fills the rules cache (the first commit after an install builds it)
    proc = _hook(arepo)
    assert proc.returncode == 0, proc.stderr
    modules = _imported(proc.stderr)
    assert "tracemark.attest.record" in modules  # importtime did see the hook's imports
    assert not {m for m in modules if m.split(".")[0] in ("pydantic", "tree_sitter")}
    assert cached_catalog(default_cache_dir()).candidates("python", BENIGN.encode()) == []
    rec = _record_of(arepo)
    assert rec["fs"][0]["r"][0]["s"] == 5 and rec["fs"][0]["r"][0]["n"] == 3
    assert rec["sc"]["n"] > 40 and rec["sc"]["rs"] and rec["sc"]["h"] == []


def test_ai_lines_the_rules_can_match_are_scanned_with_their_findings(arepo: Path):
    write(arepo, "app.py", SINKS)
    mark(arepo, "app.py", "5-8", "copilot", "gpt-4.1")
    git(arepo, "add", "app.py")
    proc = _hook(arepo)
    assert proc.returncode == 0, proc.stderr
    assert {"pydantic", "tree_sitter"} <= {m.split(".")[0] for m in _imported(proc.stderr)}
    hits = {(h["r"], h["l"]) for h in _record_of(arepo)["sc"]["h"]}
    assert ("py-subprocess-shell", 7) in hits and ("py-weak-hash", 6) in hits


def test_the_summary_is_the_whole_pack_s(arepo: Path):
    """The hook's summary equals running every rule of the pack on the same lines."""
    from tracemark.attest.scan_summary import ScanInput, ruleset_digest, summarize
    from tracemark.rules.engine import Engine

    data = SINKS.encode()
    got = summarize([ScanInput("app.py", data, [(5, 8)])], arepo / "cache")
    engine = Engine()
    found = engine.checker("python", data, "app.py").check([(data.index(b"def"), len(data))])
    assert sorted((h["r"], h["l"]) for h in got["h"]) == sorted(
        (f.rule_id, f.start.line + 1) for f in found)
    assert got["n"] == len(engine.rules)
    assert got["rs"] == ruleset_digest([r.id for r in engine.rules])


def test_the_record_wire_form_is_exactly_what_the_pydantic_model_dumps(arepo: Path):
    """Full and compact records, tools with and without a model, reviewed and edited lines,
    files the ledger never saw, findings: the hook's bytes are the model's canonical bytes."""
    write(arepo, "app.py", SINKS)
    write(arepo, "notes.md", "# notes\n" * 5)
    write(arepo, "lib.py", APP)
    mark(arepo, "app.py", "5-6", "copilot", "gpt-4.1")
    mark(arepo, "app.py", "7-8", "claude-code", None)
    mark(arepo, "lib.py", "4-5", "cursor", "gpt-5")
    from tracemark.ledger import open_ledger

    repo = find_repo(arepo)
    text = (arepo / "lib.py").read_text()
    with open_ledger(repo) as ledger:
        ledger.review("lib.py", text, 0, text.index("def helper"), writer="t")
    git(arepo, "add", "-A")
    with open_ledger(repo) as ledger:
        for threshold in (10**6, 100):  # full, then compact
            staged = build_record(repo, base="HEAD", ledger=ledger, compact_threshold=threshold)
            assert staged.compact is (threshold == 100)
            model = ProvenanceRecord.from_canonical(staged.payload)
            assert model.canonical() == staged.payload
            assert staged.record == model
            assert staged.assisted_by() == model.assisted_by()
            assert model.scan.hits or model.compact
            assert model.ai_lines() == staged.ai_lines


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
       st.sampled_from([UTC, None, timedelta(hours=2)]))
def test_record_times_are_written_as_pydantic_writes_them(when: datetime, tz):
    from datetime import timezone

    if isinstance(tz, timedelta):
        tz = timezone(tz)
    when = when.replace(tzinfo=tz)
    rec = ProvenanceRecord(created=when)
    assert json.loads(rec.canonical())["at"] == _time(when)


@pytest.mark.parametrize("seed", range(3))
def test_the_ledger_view_reads_what_the_ledger_reads(repo: Path, seed: int):
    """Random marks, reviews and writers; texts that differ from what is stored (re-anchoring):
    the view's per-line origins equal the ledger's, file by file."""
    rnd = random.Random(seed)
    r = find_repo(repo)
    led = Ledger.for_repo(r)
    texts = {}
    for i in range(6):
        text = "".join(f"line_{i}_{k} = {rnd.randint(0, 99)}\n" for k in range(rnd.randint(5, 40)))
        texts[f"pkg/f{i}.py"] = text
        for _ in range(rnd.randint(1, 4)):
            a = rnd.randrange(len(text))
            b = min(len(text), a + rnd.randint(1, 120))
            tool = rnd.choice(["copilot", "claude-code", None])
            origin = Origin(kind=rnd.choice([OriginKind.AI, OriginKind.AI, OriginKind.HUMAN]),
                            tool=tool, model=rnd.choice([None, "gpt-4.1"]))
            led.mark(f"pkg/f{i}.py", text, a, b, origin, writer=f"w{rnd.randint(0, 2)}")
        if rnd.random() < 0.5:
            led.review(f"pkg/f{i}.py", text, 0, len(text) // 2, writer="cli")
    with LedgerView(led.path) as view:
        for path, text in texts.items():
            changed = text.replace("= 1", "= 100").replace("line_", "ln_", 1)
            for t in (text, changed):
                want = classify_lines(t, led.load(path, t))
                got = classify_lines(t, view.load(path, t))
                assert [(x.line, x.kind, x.tool, x.model, x.confidence) for x in got] == \
                       [(x.line, x.kind, x.tool, x.model, x.confidence) for x in want]
            assert view.knows(path)
        assert not view.knows("pkg/none.py") and view.load("pkg/none.py", "x\n") == []
    led.close()


def test_an_unreadable_ledger_is_reported_as_before(repo: Path):
    """The view hands anything it cannot read to the real ledger: its one-line error, the
    database untouched; a newer schema gets the ledger's own refusal."""
    r = find_repo(repo)
    path = r.tracemark_dir / "ledger.db"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database" * 100)
    with pytest.raises(LedgerError, match="unreadable"):
        open_for_hook(r)
    assert path.read_bytes() == b"not a database" * 100
    path.unlink()
    Ledger.for_repo(r).close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value='99' WHERE key='schema'")
    with pytest.raises(LedgerError, match="newer than this tracemark"):
        open_for_hook(r)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value='1' WHERE key='schema'")
    view = open_for_hook(r)
    assert isinstance(view, LedgerView)
    view.close()


def test_a_commit_through_the_fast_path_verifies(arepo: Path):
    """End to end through git: the record the fast path writes verifies, AI lines and all."""
    write(arepo, "app.py", APP)
    mark(arepo, "app.py", "8-10", "copilot", "gpt-4.1")
    git(arepo, "add", "app.py")
    commit(arepo, "-m", "fast path")
    result = verify(arepo)
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert [(a.path, a.start, a.end) for a in result.ai_lines] == [("app.py", 8, 10)]
    assert "Assisted-by: copilot:gpt-4.1" in message(arepo)
