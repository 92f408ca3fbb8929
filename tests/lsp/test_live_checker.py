"""The fast tier's per-document checker (``tracemark.lsp.rules_fast.LiveChecker``), in-process.

What the end-to-end tests cannot see from outside: that a parse halted after its time slice and
resumed gives exactly the tree of a parse in one go; that batches of edits applied with
``Tree.edit`` and one reparse give the findings of a fresh scan; that an edit reruns only the
contexts it touched; that a whole-text replacement is reduced to its differing middle.
"""

from __future__ import annotations

import random
import time

import pytest
from tree_sitter import Parser

from tracemark.lsp.rules_fast import ByteEdit, Halted, LiveChecker, diff_edit
from tracemark.rules import languages as langs
from tracemark.rules.engine import default_engine

FUNC = '''def handler_{i}(user, items):
    total = 0
    for item in items:
        total += item.get("price", 0)
    return total

'''
VULN = '''def ai_{i}(cmd):
    subprocess.run(cmd, shell=True)
    return cmd

'''


def source(n: int = 200, vuln_every: int = 25) -> str:
    parts = ["import subprocess\n\n"]
    for i in range(n):
        parts.append(VULN.format(i=i) if i % vuln_every == 0 else FUNC.format(i=i))
    return "".join(parts)


def checker_for(text: str) -> LiveChecker:
    spec = langs.get("python")
    chk = LiveChecker(spec, default_engine(), None)
    job = chk.begin(None, text.encode())
    chk.step(job, time.perf_counter() + 60)
    return chk


def fresh(text: str) -> list[tuple[str, int, int]]:
    found = default_engine().scan_source("python", text.encode())
    return [(f.rule_id, f.start_byte, f.end_byte) for f in found]


def keys(findings) -> list[tuple[str, int, int]]:
    return [(f.rule_id, f.start_byte, f.end_byte) for f in findings]


def test_sliced_parse_resumes_to_the_same_tree():
    """A parse halted at each time slice and resumed equals one uninterrupted parse."""
    text = source(3000).encode()
    spec = langs.get("python")
    chk = LiveChecker(spec, default_engine(), None)
    job = chk.begin(None, text)
    slices = 0
    while True:
        try:
            chk.step(job, time.perf_counter() + 0.002)
            break
        except Halted:
            slices += 1
    assert slices > 1  # it really was sliced
    whole = Parser(spec.language()).parse(text)
    assert str(chk.tree.root_node) == str(whole.root_node)
    assert chk.source == text


def test_batches_of_edits_then_one_reparse_match_a_fresh_scan():
    """Random batches of edits (several per ``didChange``) keep the findings exact."""
    rng = random.Random(4)
    text = source(60, vuln_every=7)
    chk = checker_for(text)
    pieces = ["x", "\n", "    ", "subprocess.run(cmd, shell=True)\n", "", "(", '"', "def f():\n"]
    for _ in range(60):
        edits = []
        for _ in range(rng.randint(1, 3)):
            a = rng.randrange(len(text) + 1)
            b = min(len(text), a + rng.choice([0, 0, 1, 5, 40]))
            new = rng.choice(pieces)
            old_b = text.encode()
            sb, eb = len(text[:a].encode()), len(text[:b].encode())
            text = text[:a] + new + text[b:]
            new_b = text.encode()
            ne = sb + len(new.encode())

            def pt(src: bytes, byte: int) -> tuple[int, int]:
                return src.count(b"\n", 0, byte), byte - (src.rfind(b"\n", 0, byte) + 1)

            edits.append(ByteEdit(sb, eb, ne, pt(old_b, sb), pt(old_b, eb), pt(new_b, ne)))
        job = chk.begin(edits, text.encode())
        chk.step(job, time.perf_counter() + 60)
        got, missing = chk.check_within(None, time.perf_counter() + 60)
        assert missing == 0
        assert keys(got) == fresh(text)


def test_an_edit_reruns_only_the_contexts_it_touched():
    """Results are cached per context; typing in one function reruns that function only."""
    text = source(100, vuln_every=10)
    chk = checker_for(text)
    vuln_starts = [i for i in range(len(text)) if text.startswith("def ai_", i)]
    wanted = [(s, s + len(VULN.format(i=0))) for s in vuln_starts]
    wanted_b = [(len(text[:a].encode()), len(text[:b].encode())) for a, b in wanted]
    first, _ = chk.check_within(wanted_b, time.perf_counter() + 60)
    assert len(first) == len(vuln_starts) == 10
    runs = chk.runs
    again, _ = chk.check_within(wanted_b, time.perf_counter() + 60)
    assert chk.runs == runs and keys(again) == keys(first)  # all cached

    # Type one character inside the fifth AI function: one context reruns, the rest shift.
    at = text.index("cmd)", vuln_starts[4]) + 1
    new_text = text[:at] + "x" + text[at:]
    old_b, new_b = text.encode(), new_text.encode()
    row = old_b.count(b"\n", 0, at)
    col = at - (old_b.rfind(b"\n", 0, at) + 1)
    chk.step(chk.begin([ByteEdit(at, at, at + 1, (row, col), (row, col), (row, col + 1))],
                       new_b), time.perf_counter() + 60)
    shifted = [(s if s < at else s + 1, e if e <= at else e + 1) for s, e in wanted_b]
    after, _ = chk.check_within(shifted, time.perf_counter() + 60)
    assert chk.runs == runs + 1
    assert keys(after) == [k for k in fresh(new_text)]


def test_cold_queries_stop_at_the_deadline_and_say_how_many_are_left():
    """A cold whole-document check does part of the work per slice (adjacent contexts share one
    query) and reports the rest; finishing slice by slice gives the whole-file findings."""
    text = source(1500)
    chk = checker_for(text)
    units = len(chk.unit_ranges())
    found, missing = chk.check_within(None, time.perf_counter())  # deadline already past
    assert 0 < missing < units - 1  # one batch ran: progress, not everything
    slices = 1
    while missing:
        found, missing = chk.check_within(None, time.perf_counter() + 0.005)
        slices += 1
    assert slices > 2
    assert keys(found) == fresh(text)
    assert chk.runs == units  # every context queried exactly once


@pytest.mark.parametrize("seed", range(20))
def test_diff_edit_is_the_differing_middle(seed):
    rng = random.Random(seed)
    old = bytes(rng.choice(b"ab\n") for _ in range(rng.randrange(0, 200_000, 997)))
    a = rng.randrange(len(old) + 1)
    b = rng.randrange(a, len(old) + 1)
    new = old[:a] + bytes(rng.choice(b"abc\n") for _ in range(rng.randrange(5))) + old[b:]
    e = diff_edit(old, new)
    if old == new:
        assert e is None
        return
    assert e is not None
    assert old[:e.start] == new[:e.start]
    assert old[e.old_end:] == new[e.new_end:]
    assert new[:e.start] + new[e.start:e.new_end] + old[e.old_end:] == new
    assert e.start_point == (old.count(b"\n", 0, e.start),
                             e.start - (old.rfind(b"\n", 0, e.start) + 1))


def test_typing_does_not_grow_memory():
    """Keystrokes in a document of ordinary size are reparsed from the bytes: py-tree-sitter
    0.26.1 leaks what a read callback returns (about 8 KB per sliced parse), which made the
    server grow with every keystroke. 1,000 single-character edits, each reparsed and its span
    re-checked, leave less than 1 MB behind (the callback parse left about 5 MB)."""
    import gc
    import tracemalloc

    text = source(300).encode()
    chk = checker_for(text.decode())
    at = text.index(b"subprocess.run", len(text) // 2) + 5  # inside an AI function mid-file
    span = [(at - 200, at + 200)]
    chk.check_within(span, time.perf_counter() + 60)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        for i in range(1000):
            old = chk.source
            if i % 2 == 0:
                new = old[:at] + b"x" + old[at:]
                edit = ByteEdit(at, at, at + 1, (0, at), (0, at), (0, at + 1))
            else:
                new = old[:at] + old[at + 1:]
                edit = ByteEdit(at, at + 1, at, (0, at), (0, at + 1), (0, at))
            job = chk.begin([edit], new)
            chk.step(job, time.perf_counter() + 60)
            chk.check_within(span, time.perf_counter() + 60)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert chk.source == text
    assert grown < 1_000_000, f"{grown / 1e6:.1f} MB left behind by 1,000 keystrokes"
