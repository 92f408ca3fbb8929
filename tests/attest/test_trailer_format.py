"""Issue 7, the trailer format (docs/trailers.md): versioned values, folding, the compact
encoding that keeps big commits bounded, and parsing wherever records sit in a message."""

from __future__ import annotations

import json
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from attest_support import commit, message, verify, write

from tracemark.attest.lines import unb64
from tracemark.attest.record import compact
from tracemark.attest.trailers import (
    FOLD,
    TrailerError,
    decode_record,
    encode_record,
    fold,
    parse_message,
)
from tracemark.gitutil import find_repo
from tracemark.ledger import open_ledger
from tracemark.model import (
    AttestedFile,
    AttestedRange,
    CommitStatus,
    Origin,
    OriginKind,
    ProvenanceRecord,
    Span,
    ToolModel,
)

from support import git


def _record(n_files: int = 2, ranges: int = 2) -> ProvenanceRecord:
    files = [AttestedFile(path=f"src/f{i}.py", added=40, added_digest="A" * 22, ranges=[
        AttestedRange(start=1 + 10 * j, count=3, kind="ai", tool=0, digest="B" * 43,
                      line_hashes=["C" * 8] * 3) for j in range(ranges)]) for i in range(n_files)]
    return ProvenanceRecord(created=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), generator="t",
                            tools=[ToolModel(tool="copilot", model="gpt-4.1")], files=files)


def test_record_roundtrip_and_versioned_value():
    rec = _record()
    payload = rec.canonical()
    value = encode_record(payload, compact=False)
    assert value.startswith("v1 j ")
    assert decode_record(value) == payload
    assert ProvenanceRecord.from_canonical(payload) == rec
    doc = json.loads(payload)
    assert doc["v"] == 1 and list(doc) == sorted(doc)  # canonical: sorted, wire names


def test_unknown_version_and_corrupt_values_are_refused():
    with pytest.raises(TrailerError, match="format 'v2' is not supported"):
        decode_record("v2 j e30")
    with pytest.raises(TrailerError, match="unknown encoding"):
        decode_record("v1 q e30")
    value = encode_record(_record().canonical(), compact=True)
    with pytest.raises(TrailerError, match="corrupt"):
        decode_record(value[:-20])


def test_fold_keeps_lines_short_and_git_reads_it_back(tmp_path: Path):
    value = encode_record(_record(10).canonical(), compact=False)
    text = fold("Tracemark-Record", value)
    assert all(len(line) <= FOLD + 1 for line in text.split("\n"))
    msg = f"subject\n\nbody\n\n{text}\n"
    assert parse_message(msg).records[0].record.value.split()[2].replace(" ", "") != ""
    assert decode_record(parse_message(msg).records[0].record.value) == _record(10).canonical()
    (tmp_path / "m").write_text(msg)
    unfolded = git(tmp_path, "-c", "safe.directory=*", "interpret-trailers", "--parse",
                   str(tmp_path / "m"))
    assert unfolded.startswith("Tracemark-Record: v1 j ")


def test_parse_indented_records_of_a_squash_message():
    rec = encode_record(_record().canonical(), compact=False)
    block = f"Assisted-by: copilot:gpt-4.1\n{fold('Tracemark-Record', rec)}\n" \
            f"{fold('Tracemark-Signature', 'v1 ssh ' + 'Q' * 200)}"
    indented = "\n".join("    " + ln for ln in block.split("\n"))
    msg = f"Squashed commit of the following:\n\ncommit abc\n\n    one\n\n{indented}\n\n" \
          f"commit def\n\n    two\n\n{indented}\n"
    parsed = parse_message(msg)
    assert len(parsed.records) == 2 and parsed.assisted_by == ["copilot:gpt-4.1"] * 2
    assert all(decode_record(r.record.value) == _record().canonical() for r in parsed.records)
    assert parsed.records[1].signature.value == "v1 ssh " + "Q" * 76 + " " + "Q" * 76 + \
        " " + "Q" * 48


def test_compact_form_drops_per_line_detail_and_folds_human_files():
    rec = _record(3).model_copy(update={"files": [*_record(3).files, AttestedFile(
        path="README.md", added=5, added_digest="D" * 22)]})
    bodies = {(f.path, r.start): [b"x = %d" % n for n in range(r.count)]
              for f in rec.files for r in f.ranges}
    small = compact(rec, bodies)
    assert small.compact and small.other is not None and small.other.files == 1
    assert all(r.line_hashes is None and len(r.digest) == 16
               for f in small.files for r in f.ranges)
    assert small.ai_digest is not None and len(small.ai_digest) == 43
    assert all(f.added_digest is None for f in small.files)
    value = encode_record(small.canonical(), compact=True)
    assert value.startswith("v1 z ")
    assert zlib.decompress(unb64(value.split()[2])) == small.canonical()


def _many_files(root: Path, n: int, ranges_per_file: int) -> None:
    """``n`` files with AI blocks, recorded straight into the ledger (as editors do)."""
    origin = Origin(kind=OriginKind.AI, tool="copilot", model="gpt-4.1")
    texts = {}
    for i in range(n):
        body = "".join(f"def human_{i}_{k}():\n    return {k}\n\ndef ai_{i}_{k}(x):\n"
                       f"    return x * {k} + {i}\n\n" for k in range(ranges_per_file))
        texts[f"pkg/m{i:03}.py"] = body
        write(root, f"pkg/m{i:03}.py", body)
    with open_ledger(find_repo(root)) as ledger:
        for path, body in texts.items():
            spans, pos = [], 0
            for _k in range(ranges_per_file):
                start = body.index("def ai_", pos)
                end = body.index("\n\n", start) + 1
                spans.append(Span(start, end, origin))
                pos = end
            ledger.record(path, body, spans, writer="test")


def test_big_commit_uses_the_compact_encoding_and_stays_bounded(arepo: Path):
    _many_files(arepo, 120, 4)  # 480 AI ranges, 960 AI lines, 2400 added lines
    write(arepo, "docs/notes.md", "".join(f"note {i}\n" for i in range(500)))
    git(arepo, "add", "-A")
    commit(arepo, "-m", "big")
    msg = message(arepo)
    assert "Tracemark-Record: v1 z" in msg
    size = len(msg.encode())
    lines = 960
    # Bounded: ~30 bytes per AI range (480), whatever the number of lines and of human files;
    # the full form's per-line hashes alone would take 8 bytes a line before base64.
    assert size < 32 * 480, size
    result = verify(arepo)
    assert result.status is CommitStatus.AI_ATTESTED, result.reasons
    assert sum(a.end - a.start + 1 for a in result.ai_lines) == lines
    assert result.records[0].record.compact


def test_compact_record_reports_the_whole_changed_range(arepo: Path):
    _many_files(arepo, 60, 3)
    git(arepo, "add", "-A")
    commit(arepo, "-m", "big")
    base = git(arepo, "rev-parse", "HEAD").strip()
    msg = message(arepo)
    # The same commit with one AI line edited (hooks skipped: the old trailers stay).
    p = arepo / "pkg" / "m007.py"
    p.write_text(p.read_text().replace("return x * 1 + 7", "return x * 100 + 7"))
    git(arepo, "add", "-A")
    tree = git(arepo, "write-tree").strip()
    forged = git(arepo, "commit-tree", tree, "-p", f"{base}^", "-F", "-", input=msg).strip()
    result = verify(arepo, forged)
    assert result.status is CommitStatus.LINES_CHANGED, result.reasons
    assert [(c.path, c.start, c.end, c.lines) for c in result.changed] == [
        ("pkg/m007.py", 10, 11, [10, 11])]
    assert "compact record" in result.changed[0].reason
