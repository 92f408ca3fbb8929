"""Reading source files the way every stage must: exact text, or a one-line refusal.

Bytes are decoded as strict UTF-8 without newline translation (offsets must match what editors
and git see). Binary, non-UTF-8 and oversized files are refused with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

from tracemark.errors import InputError

#: Larger files are refused: no one reviews AI provenance of a 50 MB file line by line.
MAX_BYTES = 50 * 1024 * 1024
_SNIFF = 8192


def decode_text(data: bytes, name: str) -> str:
    """Strict UTF-8 text of ``data`` or :class:`InputError` naming ``name`` and the reason."""
    if b"\x00" in data[:_SNIFF]:
        raise InputError(f"{name}: binary file (NUL byte in its first {_SNIFF} bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{name}: not UTF-8 text (invalid byte at offset {err.start})") from None
    return text[1:] if text.startswith("\ufeff") else text


def read_text(path: str | os.PathLike[str], name: str | None = None) -> str:
    """The exact text of a file, refusing binary, non-UTF-8, missing and oversized files."""
    p = Path(path)
    label = name or str(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{label}: no such file") from None
    if p.is_dir():
        raise InputError(f"{label}: is a directory")
    if size > MAX_BYTES:
        raise InputError(f"{label}: too large ({size} bytes; the limit is {MAX_BYTES})")
    return decode_text(p.read_bytes(), label)
