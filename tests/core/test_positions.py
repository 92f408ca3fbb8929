"""Position encodings: conversions, LSP clamping, and the reasons given for bad positions."""

from __future__ import annotations

import pytest

from tracemark.tracking.positions import PositionEncoding as E
from tracemark.tracking.positions import TextIndex, line_starts_of

TEXT = "a😀b\r\nxé\rq\n"  # an astral character, CRLF, a lone CR, a final line break


def test_line_breaks_are_lsp_ones_only():
    assert line_starts_of("a\u2028b\x0bc\n") == [0, 6]
    assert line_starts_of("a\r\nb\rc\nd") == [0, 3, 5, 7]
    assert TextIndex(TEXT).line_text(0) == "a😀b"
    assert TextIndex(TEXT).line_text(1) == "xé"


@pytest.mark.parametrize(
    ("enc", "char", "offset"),
    [(E.UTF16, 3, 2), (E.UTF8, 5, 2), (E.UTF32, 2, 2), (E.UTF16, 4, 3), (E.UTF8, 6, 3)],
)
def test_offsets_in_each_encoding(enc, char, offset):
    idx = TextIndex(TEXT)
    assert idx.offset_at(0, char, enc) == offset
    assert idx.position_at(offset, enc) == (0, char)


def test_positions_inside_a_character_round_down_and_are_reported():
    idx = TextIndex(TEXT)
    assert idx.offset_at(0, 2, E.UTF16) == 1  # between the two surrogates of 😀
    assert "inside a character" in (idx.check(0, 2, E.UTF16) or "")
    assert idx.offset_at(0, 3, E.UTF8) == 1  # inside the 4-byte UTF-8 sequence
    assert idx.check(0, 3, E.UTF16) is None


def test_past_the_end_clamps_as_lsp_says():
    idx = TextIndex(TEXT)
    assert idx.offset_at(1, 99, E.UTF16) == idx.starts[1] + 2  # end of "xé", before \r
    assert idx.offset_at(99, 0, E.UTF16) == len(TEXT)
    assert "past the end of line 1" in (idx.check(1, 99, E.UTF16) or "")
    assert "past the end of the document" in (idx.check(99, 0, E.UTF16) or "")


def test_bytes_for_tree_sitter():
    idx = TextIndex(TEXT)
    for off in range(len(TEXT) + 1):
        assert idx.byte_offset(off) == len(TEXT[:off].encode())
        assert idx.offset_of_byte(idx.byte_offset(off)) == off


def test_incremental_byte_index_survives_edits():
    idx = TextIndex("é\n" * 50)
    idx.byte_offset(3)  # build the byte index so replace() keeps it incrementally
    idx = idx.replace(10, 12, "😀\r\nx")
    idx = idx.replace(0, 1, "")
    for off in range(0, len(idx.text) + 1, 7):
        assert idx.byte_offset(off) == len(idx.text[:off].encode())
