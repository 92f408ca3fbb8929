"""Re-anchoring: finding spans again after their file changed while nobody was tracking it.

The stored text and the current text are compared line by line (line breaks aside, so a
CRLF/LF conversion keeps every origin):

1. lines that occur exactly once in both texts, in an order both agree on (the longest
   increasing subsequence), anchor the comparison (the first step of patience diff);
2. the gaps between anchors are diffed with :class:`difflib.SequenceMatcher` (the standard
   library's matcher is good enough for these small gaps and needs no dependency); inside
   replaced regions, identical lines at either end still map;
3. lines moved elsewhere are found by unique content, then extended to their identical
   neighbours (the idea of patience diff), so a function moved to the end of a file keeps its
   origin.

A line maps only to an identical line. Spans keep the characters of mapped lines and lose the
rest: a line that cannot be found again is dropped, never attributed to something else, and a
line that changed does not keep a stale origin.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tracemark.model import Span
from tracemark.tracking.positions import LINE_BREAK, TextIndex

if TYPE_CHECKING:  # pragma: no cover  (annotations only: no pydantic at import)
    from tracemark.model.origin import Origin

_new = Span


def _lines(index: TextIndex) -> list[str]:
    return LINE_BREAK.split(index.text)  # one entry per line start, breaks removed


def _unique_anchors(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """Lines occurring exactly once on each side, in an order both sides agree on.

    This is patience diff's first step: unique lines are unambiguous anchors, and the longest
    increasing subsequence of their new positions keeps the ones that did not move.
    """
    count_old = Counter(old)
    count_new = Counter(new)
    pos_new = {line: j for j, line in enumerate(new) if count_new[line] == 1}
    pairs = [
        (i, pos_new[line])
        for i, line in enumerate(old)
        if count_old[line] == 1 and line in pos_new
    ]
    # Longest increasing subsequence of the new positions (patience sorting, O(n log n)).
    tails: list[int] = []
    tails_idx: list[int] = []
    prev = [-1] * len(pairs)
    for k, (_i, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tails_idx.append(k)
        else:
            tails[pos] = j
            tails_idx[pos] = k
        prev[k] = tails_idx[pos - 1] if pos else -1
    out: list[tuple[int, int]] = []
    k = tails_idx[-1] if tails_idx else -1
    while k >= 0:
        out.append(pairs[k])
        k = prev[k]
    out.reverse()
    return out


def _match_gap(
    old: Sequence[str], new: Sequence[str], i0: int, i1: int, j0: int, j1: int,
    mapping: dict[int, int],
) -> None:
    """Map identical lines between ``old[i0:i1]`` and ``new[j0:j1]`` (a gap between anchors)."""
    while i0 < i1 and j0 < j1 and old[i0] == new[j0]:
        mapping[i0] = j0
        i0 += 1
        j0 += 1
    while i1 > i0 and j1 > j0 and old[i1 - 1] == new[j1 - 1]:
        mapping[i1 - 1] = j1 - 1
        i1 -= 1
        j1 -= 1
    if i0 >= i1 or j0 >= j1:
        return
    gap_old, gap_new = old[i0:i1], new[j0:j1]
    from difflib import SequenceMatcher  # here: a process that never re-anchors skips it

    matcher = SequenceMatcher(None, gap_old, gap_new, autojunk=len(gap_new) > 2000)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(a2 - a1):
                mapping[i0 + a1 + k] = j0 + b1 + k
        elif tag == "replace":  # identical lines at the ends of a replaced region still map
            k = 0
            while a1 + k < a2 and b1 + k < b2 and gap_old[a1 + k] == gap_new[b1 + k]:
                mapping[i0 + a1 + k] = j0 + b1 + k
                k += 1
            m = 0
            while a2 - 1 - m >= a1 + k and b2 - 1 - m >= b1 + k and (
                gap_old[a2 - 1 - m] == gap_new[b2 - 1 - m]
            ):
                mapping[i0 + a2 - 1 - m] = j0 + b2 - 1 - m
                m += 1


def map_lines(old: Sequence[str], new: Sequence[str]) -> dict[int, int]:
    """An injective map from old line numbers to new ones, between identical lines only."""
    mapping: dict[int, int] = {}
    i0, j0 = 0, 0
    for i, j in _unique_anchors(old, new):
        _match_gap(old, new, i0, i, j0, j, mapping)
        mapping[i] = j
        i0, j0 = i + 1, j + 1
    _match_gap(old, new, i0, len(old), j0, len(new), mapping)
    if len(mapping) < len(old):
        _find_moves(old, new, mapping)
    return mapping


def _find_moves(old: Sequence[str], new: Sequence[str], mapping: dict[int, int]) -> None:
    taken = set(mapping.values())
    free_old = [i for i in range(len(old)) if i not in mapping]
    free_new = [j for j in range(len(new)) if j not in taken]
    if not free_old or not free_new:
        return
    count_old = Counter(old[i].strip() for i in free_old)
    count_new = Counter(new[j].strip() for j in free_new)
    where_new = {new[j].strip(): j for j in free_new}
    for i in free_old:
        key = old[i].strip()
        if len(key) < 4 or count_old[key] != 1 or count_new.get(key) != 1:
            continue
        j = where_new[key]
        if i in mapping or j in taken or old[i] != new[j]:
            continue
        mapping[i] = j
        taken.add(j)
        for step in (-1, 1):  # extend the anchor to identical neighbours
            a, b = i + step, j + step
            while (
                0 <= a < len(old) and 0 <= b < len(new) and a not in mapping and b not in taken
                and old[a] == new[b]
            ):
                mapping[a] = b
                taken.add(b)
                a += step
                b += step


def reanchor(old_text: str | TextIndex, spans: Sequence[Span], new_text: str | TextIndex
             ) -> list[Span]:
    """``spans`` of ``old_text`` carried over to ``new_text`` through identical lines."""
    if not spans:
        return []
    old = old_text if isinstance(old_text, TextIndex) else TextIndex(old_text)
    new = new_text if isinstance(new_text, TextIndex) else TextIndex(new_text)
    if old.text == new.text:
        return list(spans)
    old_lines, new_lines = _lines(old), _lines(new)
    mapping = map_lines(old_lines, new_lines)
    o_starts, n_starts = old.starts, new.starts
    o_len, n_len = len(old.text), len(new.text)
    pieces: list[tuple[int, int, Origin]] = []
    for sp in spans:
        first = old.line_of(sp.start)
        last = old.line_of(max(sp.start, sp.end - 1))
        run_start = run_end = -1
        for line in range(first, last + 1):
            target = mapping.get(line)
            if target is None:
                continue
            ls = o_starts[line]
            le = ls + len(old_lines[line])
            lf = o_starts[line + 1] if line + 1 < len(o_starts) else o_len
            nls = n_starts[target]
            nle = nls + len(new_lines[target])
            nlf = n_starts[target + 1] if target + 1 < len(n_starts) else n_len
            parts = []
            a, b = max(sp.start, ls), min(sp.end, le)
            if a < b:
                parts.append((nls + a - ls, nls + b - ls))
            if lf > le and nlf > nle and sp.start <= le and sp.end >= lf:
                parts.append((nle, nlf))  # the line break itself, whatever its form now
            for pa, pb in parts:
                if pa == run_end:
                    run_end = pb
                    continue
                if run_start >= 0:
                    pieces.append((run_start, run_end, sp.origin))
                run_start, run_end = pa, pb
        if run_start >= 0:
            pieces.append((run_start, run_end, sp.origin))
    pieces.sort(key=lambda p: p[0])
    return [_new(start=a, end=b, origin=o) for a, b, o in pieces]
