"""Positions in UTF-8/16/32, edits applied to spans, and re-anchoring after untracked changes."""

from tracemark.tracking.positions import PositionEncoding, TextIndex

__all__ = ["PositionEncoding", "TextIndex"]
