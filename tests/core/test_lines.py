"""Per-line origins: the rules that blame, hover and code lens rely on."""

from __future__ import annotations

from tracemark.model import Origin, OriginKind, Span
from tracemark.tracking import TrackedDocument, ai_blocks, classify_lines
from tracemark.tracking.positions import PositionEncoding as E

AI = Origin(kind=OriginKind.AI, tool="copilot", model="gpt-4.1")


def kinds(text, spans, known=True):
    return [lo.kind.value for lo in classify_lines(text, spans, known=known)]


def test_all_mixed_none():
    text = "x = 1\ny = 2\nz = 3\n"
    spans = [Span(start=6, end=18, origin=AI), Span(start=0, end=2, origin=AI)]
    spans.sort(key=lambda s: s.start)
    assert kinds(text, spans) == ["ai-modified", "ai", "ai"]
    assert kinds(text, []) == ["human"] * 3
    assert kinds(text, [], known=False) == ["unknown"] * 3


def test_whitespace_does_not_count_and_blank_lines_follow_their_block():
    text = "def f():\n\n    return 1\nafter\n"
    spans = [Span(start=0, end=23, origin=AI)]  # the AI block, blank line included
    assert kinds(text, spans) == ["ai", "ai", "ai", "human"]
    # AI text without its leading indentation is still an all-AI line
    assert kinds("    x\n", [Span(start=4, end=6, origin=AI)]) == ["ai"]


def test_final_line_break_is_not_a_line_and_crlf_counts_once():
    assert len(classify_lines("a\r\nb\r\n", [])) == 2
    assert len(classify_lines("a\nb", [])) == 2
    assert classify_lines("", []) == []


def test_edited_lines_become_ai_modified_only_where_edited():
    doc = TrackedDocument("")
    doc.apply_change((0, 0, 0, 0), "a = 1\nb = 2\nc = 3\n", E.UTF16, origin=AI)
    doc.apply_change((1, 1, 1, 1), "x", E.UTF16)  # typed by hand inside line 2
    assert [lo.kind.value for lo in doc.line_origins()] == ["ai", "ai-modified", "ai"]
    doc.apply_change((2, 0, 2, 1), "", E.UTF16)  # a deletion inside line 3, nothing added
    assert [lo.kind.value for lo in doc.line_origins()] == ["ai", "ai-modified", "ai-modified"]


def test_reviewed_and_human_marks():
    doc = TrackedDocument("a = 1\nb = 2\n")
    doc.mark(0, 12, AI)
    doc.review(0, 6)
    lines = doc.line_origins()
    assert [lo.kind.value for lo in lines] == ["reviewed", "ai"]
    assert lines[0].reviewed and not lines[1].reviewed
    assert lines[0].tool == "copilot"  # a review keeps who wrote it
    doc.mark(6, 12, Origin(kind=OriginKind.HUMAN))
    assert [lo.kind.value for lo in doc.line_origins()] == ["reviewed", "human"]


def test_ai_blocks_group_by_tool():
    other = Origin(kind=OriginKind.AI, tool="cursor")
    text = "a\nb\nc\nd\n"
    spans = [Span(start=0, end=4, origin=AI), Span(start=4, end=6, origin=other)]
    blocks = ai_blocks(classify_lines(text, spans))
    assert [(a, b, rep.tool) for a, b, rep in blocks] == [(1, 2, "copilot"), (3, 3, "cursor")]
