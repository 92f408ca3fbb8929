"""Re-anchoring after untracked changes: nothing moved is dropped, nothing changed is kept."""

from __future__ import annotations

from tracemark.model import Origin, OriginKind
from tracemark.tracking import classify_lines, reanchor
from tracemark.tracking.document import TrackedDocument

AI = Origin(kind=OriginKind.AI, tool="claude-code", model="opus")

BODY = [f"def func_{i}(x):\n    return x * {i}\n\n" for i in range(8)]


def doc_with_ai(blocks: list[str], ai: set[int]) -> TrackedDocument:
    doc = TrackedDocument("")
    for i, block in enumerate(blocks):
        end = len(doc.text)
        doc.apply_edit(end, end, block, AI if i in ai else None)
    return doc


def ai_lines(text: str, spans) -> list[str]:
    lines = classify_lines(text, spans)
    texts = text.split("\n")
    return [texts[lo.line - 1] for lo in lines if lo.kind.is_ai and texts[lo.line - 1].strip()]


def test_moved_block_keeps_its_origin():
    doc = doc_with_ai(BODY, {2})
    moved = BODY[:2] + BODY[3:] + [BODY[2]]  # the AI function moved to the end
    new = "".join(moved)
    spans = reanchor(doc.text, doc.spans, new)
    assert ai_lines(new, spans) == ["def func_2(x):", "    return x * 2"]


def test_lines_inserted_and_deleted_elsewhere_shift_the_span():
    doc = doc_with_ai(BODY, {4})
    new = "import os\n" + "".join(BODY[:1] + BODY[2:])  # a line added, a function deleted
    spans = reanchor(doc.text, doc.spans, new)
    assert ai_lines(new, spans) == ["def func_4(x):", "    return x * 4"]


def test_changed_line_loses_its_origin_and_is_never_misattributed():
    doc = doc_with_ai(BODY, {3})
    new = "".join(BODY).replace("return x * 3", "return x * 300")
    spans = reanchor(doc.text, doc.spans, new)
    assert ai_lines(new, spans) == ["def func_3(x):"]
    # every surviving span covers text identical to what it covered before
    old_ai = {doc.text[s.start : s.end] for s in doc.spans}
    for s in spans:
        assert any(new[s.start : s.end] in o for o in old_ai)


def test_deleted_ai_code_leaves_nothing_behind():
    doc = doc_with_ai(BODY, {5})
    new = "".join(BODY[:5] + BODY[6:])
    assert reanchor(doc.text, doc.spans, new) == []


def test_line_break_conversion_keeps_every_origin():
    doc = doc_with_ai(BODY, {1, 6})
    new = doc.text.replace("\n", "\r\n")
    spans = reanchor(doc.text, doc.spans, new)
    before = [lo.kind for lo in classify_lines(doc.text, doc.spans)]
    after = [lo.kind for lo in classify_lines(new, spans)]
    assert before == after


def test_a_copy_of_an_ai_line_made_by_a_person_is_not_ai():
    """The AI line stays AI where it was; the copy pasted elsewhere is not attributed to AI."""
    old = "keep = 1\nx = compute()\nend = 2\n"
    doc = TrackedDocument(old)
    doc.mark(9, 23, AI)  # line 2 is AI
    new = "x = compute()\nkeep = 1\nx = compute()\nend = 2\n"
    spans = reanchor(doc.text, doc.spans, new)
    assert [lo.kind.value for lo in classify_lines(new, spans)] == ["human", "human", "ai", "human"]


def test_line_break_conversion_is_exact_per_character():
    doc = TrackedDocument("a = 1\nb = 2\n")
    doc.mark(6, 12, AI)
    new = "a = 1\r\nb = 2\r\n"
    spans = reanchor(doc.text, doc.spans, new)
    assert [(s.start, s.end) for s in spans] == [(7, 14)]  # "b = 2\r\n"
