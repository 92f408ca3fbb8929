"""Positions in UTF-8/16/32, edits applied to spans, and re-anchoring after untracked changes."""

from tracemark.tracking.anchor import map_lines, reanchor
from tracemark.tracking.document import LspRange, TextEdit, TrackedDocument
from tracemark.tracking.lines import ai_blocks, classify_lines, line_count
from tracemark.tracking.positions import PositionEncoding, TextIndex

__all__ = [
    "LspRange",
    "PositionEncoding",
    "TextEdit",
    "TextIndex",
    "TrackedDocument",
    "ai_blocks",
    "classify_lines",
    "line_count",
    "map_lines",
    "reanchor",
]
