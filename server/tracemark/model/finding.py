"""Findings: what a rule reports, in one shape for both engines and every output."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def sarif_level(self) -> str:
        return {"error": "error", "warning": "warning", "info": "note"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class Point(BaseModel):
    """A 0-based line and a 0-based column in UTF-8 bytes (tree-sitter's and semgrep's unit)."""

    model_config = ConfigDict(frozen=True)

    line: int
    byte_col: int


class Fix(BaseModel):
    """Replace bytes ``[start_byte, end_byte)`` of the file with ``replacement``."""

    model_config = ConfigDict(frozen=True)

    title: str
    start_byte: int
    end_byte: int
    replacement: str


class Finding(BaseModel):
    """One rule match. Positions are UTF-8 bytes; converting them is the caller's job."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    message: str
    severity: Severity
    cwe: list[str] = Field(default_factory=list)
    confidence: str = "medium"
    #: "fast" (tree-sitter) or "semgrep".
    engine: str = "fast"
    path: str | None = None
    start_byte: int
    end_byte: int
    start: Point
    end: Point
    fix: Fix | None = None
    #: The origin kind of the matched lines when known (``ai``, ``human``, ...).
    origin_kind: str | None = None
