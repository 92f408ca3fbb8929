"""Issue 9: which lines an agent step wrote (``capture.agents.attribute``), case by case."""

from __future__ import annotations

import pytest

from tracemark.capture.agents.attribute import attribute
from tracemark.capture.agents.events import FileChange, Hunk, LineRange, StrEdit


def lines(before: str | None, after: str, **change) -> tuple[list[int], str] | None:
    got = attribute(after, FileChange(path="f", **change), before)
    return None if got is None else ([i + 1 for i in got.lines], got.method)


TWICE = "x = 1\nprint(x)\nx = 1\n"


@pytest.mark.parametrize(("edit", "after", "expected"), [
    (StrEdit(old="x = 1", new="x = 2", replace_all=True), "x = 2\nprint(x)\nx = 2\n", [1, 3]),
    # Not replace_all: the first occurrence, as JavaScript's and Python's replace do.
    (StrEdit(old="x = 1", new="x = 2"), "x = 2\nprint(x)\nx = 1\n", [1]),
])
def test_old_string_twice_replace_all_or_not(edit, after, expected):
    assert lines(TWICE, after, edits=[edit]) == (expected, "replay")


def test_old_string_twice_but_the_tool_changed_the_second_falls_back_to_the_diff():
    assert lines(TWICE, "x = 1\nprint(x)\nx = 2\n",
                 edits=[StrEdit(old="x = 1", new="x = 2")]) == ([3], "diff")


def test_crlf_file_and_missing_final_newline():
    before = "a = 1\r\nb = 2"
    after = "a = 1\r\nb = 3\r\nc = 4"
    assert lines(before, after, edits=[StrEdit(old="b = 2", new="b = 3\r\nc = 4")]) == (
        [2, 3], "replay")


def test_a_deletion_writes_no_line():
    assert lines("a\nb\nc\n", "a\nc\n", edits=[StrEdit(old="b\n", new="")]) == ([], "replay")


def test_empty_old_string_creates_the_file():
    assert lines("", "a\nb\n", edits=[StrEdit(old="", new="a\nb\n")]) == ([1, 2], "replay")


def test_no_before_text_undoes_a_unique_edit_and_refuses_an_ambiguous_one():
    assert lines(None, "a\nB\nc\n", edits=[StrEdit(old="b", new="B")]) == ([2], "locate")
    assert lines(None, "B\nB\n", edits=[StrEdit(old="b", new="B")]) is None


def test_whole_file_write_without_before_text():
    assert lines(None, "a\n\nb\n", content="a\n\nb\n") == ([1, 2, 3], "whole")


def test_diff_counts_only_lines_whose_text_came_from_the_tool():
    """A formatter (or a person) changed line 1 between the hooks; the tool wrote line 3."""
    before = "import os\nx = 1\n"
    after = "import os  # sorted\nx = 1\ny = compute()\n"
    assert lines(before, after, fragments=["y = compute()"]) == ([3], "diff")
    assert lines(before, after) == ([1, 3], "diff")  # the tool said nothing: all changes


def test_hunks_are_used_only_while_they_match_the_file():
    hunk = Hunk(new_start=1, lines=[" a", "-b", "+B"])
    assert lines(None, "a\nB\n", hunks=[hunk]) == ([2], "patch")
    # The file changed again since: the patch no longer describes it; fall back.
    assert lines("a\nb\n", "a\nC\n", hunks=[hunk]) == ([2], "diff")


def test_declared_lines_are_clipped_to_the_file():
    assert lines(None, "a\nb\n", lines=[LineRange(start=2, end=9)]) == ([2], "declared")
