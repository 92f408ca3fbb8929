"""Which lines of a file an agent step wrote, from the file before and after and the tool's word.

The answer is a set of whole lines of the file *after* the step. A line counts as written by the
agent when the step changed it and the new text on it came from the tool; lines the tool only
repeated unchanged (the context in an Edit's ``old_string``/``new_string``, the untouched part
of a Write) keep whatever origin they had, and so do lines someone else changed in between.

The methods, most exact first (the first that applies wins):

``declared``  the tool names the lines (Cursor Tab's ranges, the generic format's ``lines``);
``patch``     the tool's own diff (Claude Code's ``structuredPatch``), checked line by line
              against the file as it is now;
``replay``    the string edits re-applied to the before-text reproduce the after-text exactly:
              each occurrence is known (``replace_all``, an ``old_string`` that occurs twice),
              and inside it only the lines that differ from the replaced ones count;
``diff``      before and after compared line by line (patience anchors, then difflib, as
              re-anchoring does); changed lines count when their text came from the tool (its
              content, its new strings, a notebook cell's source) or when the tool said nothing;
``locate``    no before-text: each new string found once in the file;
``whole``     no before-text, the tool wrote the whole file: all its lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tracemark.capture.agents.events import FileChange, StrEdit
from tracemark.tracking.anchor import map_lines
from tracemark.tracking.lines import line_count
from tracemark.tracking.positions import TextIndex


@dataclass(frozen=True)
class Attribution:
    #: 0-based lines of the after-text the step wrote, sorted.
    lines: list[int]
    method: str


def attribute(after: str, change: FileChange, before: str | None) -> Attribution | None:
    """The lines of ``after`` that ``change`` wrote; ``None`` when that cannot be told."""
    index = TextIndex(after)
    n = line_count(index)
    if change.lines:
        got = {i - 1 for r in change.lines for i in range(r.start, min(r.end, n) + 1)}
        return Attribution(sorted(got), "declared")
    if change.hunks:
        got_p = _from_hunks(index, change)
        if got_p is not None:
            return Attribution(got_p, "patch")
    if change.original is not None:
        before = change.original
    located = False
    if before is None and change.edits:
        before = _unapply(after, change.edits)
        located = before is not None
    if before is not None:
        if change.edits:
            got_r = _replay(before, change.edits, after)
            if got_r is not None:
                return Attribution(got_r, "locate" if located else "replay")
        exact = change.content is not None and change.content == after
        return Attribution(_diff(before, after, n, None if exact else _keeper(change)), "diff")
    if change.content is not None:
        keep = None if change.content == after else _keeper(change)
        return Attribution(_diff("", after, n, keep), "whole")
    return None


# -- the tool's own diff ---------------------------------------------------------------------


def _from_hunks(index: TextIndex, change: FileChange) -> list[int] | None:
    n = index.line_count
    out: list[int] = []
    for hunk in change.hunks:
        pos = max(hunk.new_start - 1, 0)
        for raw in hunk.lines:
            tag, text = raw[:1], raw[1:].rstrip("\r\n")
            if tag in ("-", "\\"):
                continue
            if tag not in (" ", "+") or pos >= n or index.line_text(pos) != text:
                return None  # the file is no longer what the tool's diff describes
            if tag == "+":
                out.append(pos)
            pos += 1
    return sorted(set(out))


# -- replaying string edits ------------------------------------------------------------------


def _occurrences(text: str, edit: StrEdit) -> list[int] | None:
    if edit.old == "":
        return [0] if text == "" else None  # Claude Code: an empty old_string creates a file
    first = text.find(edit.old)
    if first < 0:
        return None
    if not edit.replace_all:
        return [first]
    out, i = [], first
    while i >= 0:  # non-overlapping, left to right: what str.replace and JS replaceAll do
        out.append(i)
        i = text.find(edit.old, i + len(edit.old))
    return out


def _replace_at(text: str, claimed: set[int], p: int, old: str, new: str
                ) -> tuple[str, set[int]]:
    """Apply one replacement at ``p``; carry the claimed lines and claim the changed ones."""
    idx = TextIndex(text)
    a, b = idx.line_of(p), idx.line_of(p + len(old))
    out = text[:p] + new + text[p + len(old):]
    nidx = TextIndex(out)
    b2 = nidx.line_of(p + len(new))
    # The empty "line" after a final line break is no line: it must not pair with a blank one.
    b_end = b if idx.starts[b] < len(text) or b == a else b - 1
    b2_end = b2 if nidx.starts[b2] < len(out) or b2 == a else b2 - 1
    old_region = [idx.line_text(i) for i in range(a, b_end + 1)]
    new_region = [nidx.line_text(j) for j in range(a, b2_end + 1)]
    local = map_lines(old_region, new_region)
    shift = b2 - b
    result = {i for i in claimed if i < a} | {i + shift for i in claimed if i > b}
    result |= {a + j for i, j in local.items() if a + i in claimed}
    mapped = set(local.values())
    hi = p + len(new)
    for j in range(len(new_region)):
        if j in mapped:
            continue
        line = a + j
        ls, le = nidx.starts[line], nidx.line_end(line, with_break=True)
        if new and ls < hi and le > p:
            result.add(line)  # changed, and holds text the tool wrote
        elif any(i in claimed for i in range(a, b + 1)):
            result.add(line)  # the agent edited a line it had written itself
    return out, result


def _replay(before: str, edits: Sequence[StrEdit], after: str) -> list[int] | None:
    text, claimed = before, set()
    for edit in edits:
        occ = _occurrences(text, edit)
        if occ is None:
            return None
        for p in reversed(occ):  # right to left: earlier offsets stay valid
            text, claimed = _replace_at(text, claimed, p, edit.old, edit.new)
    if text != after:
        return None
    n = line_count(TextIndex(after))
    return sorted(i for i in claimed if i < n)


def _unapply(after: str, edits: Sequence[StrEdit]) -> str | None:
    """The before-text, rebuilt by undoing ``edits`` when each undo is unambiguous."""
    text = after
    for edit in reversed(edits):
        if edit.replace_all or not edit.new or text.count(edit.new) != 1:
            return None
        text = text.replace(edit.new, edit.old, 1)
    return text


# -- diffing ---------------------------------------------------------------------------------


def _keeper(change: FileChange) -> Callable[[str], bool] | None:
    """Whether a changed line's text came from the tool; ``None`` when the tool said nothing."""
    if change.notebook_sources is not None:
        sources = {ln.strip() for s in change.notebook_sources for ln in s.splitlines()}

        def in_cell(line: str) -> bool:  # nbformat stores a cell's source one line per string
            text = line.strip().rstrip(",")
            try:
                value = json.loads(text)
            except ValueError:
                return False
            return isinstance(value, str) and value.strip() in sources

        return in_cell
    texts = [e.new for e in change.edits] + ([change.content] if change.content else [])
    texts += change.fragments
    if not texts:
        return None
    lines = {ln.strip() for t in texts for ln in t.splitlines() if ln.strip()}
    blob = "\n".join(texts)

    def from_tool(line: str) -> bool:
        s = line.strip()
        return s in lines or s in blob

    return from_tool


def _diff(before: str, after: str, n: int, keep: Callable[[str], bool] | None) -> list[int]:
    a_idx, b_idx = TextIndex(after), TextIndex(before)
    a_lines = [a_idx.line_text(j) for j in range(n)]
    b_lines = [b_idx.line_text(i) for i in range(line_count(b_idx))]
    mapped = set(map_lines(b_lines, a_lines).values())
    changed = [j for j in range(n) if j not in mapped]
    if keep is None:
        return changed
    kept = {j for j in changed if a_lines[j].strip() and keep(a_lines[j])}
    # Blank lines belong to the block of changed lines they sit in, if the tool wrote it.
    run: list[int] = []
    for j in [*changed, -2]:
        if run and j != run[-1] + 1:
            if kept.intersection(run):
                kept.update(k for k in run if not a_lines[k].strip())
            run = []
        run.append(j)
    return sorted(kept)
