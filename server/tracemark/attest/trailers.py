"""The trailer format (``docs/trailers.md``): encoding records into commit messages and back.

A commit message carries, in its trailer block::

    Assisted-by: copilot:gpt-4.1
    Tracemark-Record: v1 j eyJhdCI6IjIwMjYtMDEtMDFUMDA6MDA6MDBaIiwiZnMiOlt7ImEiOjMs...
     ...continuation lines, one space, 76 characters each...
    Tracemark-Signature: v1 ssh U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg...

``Assisted-by`` is the conventional, human-readable line (one per tool and model). The record is
the canonical JSON of a :class:`~tracemark.model.ProvenanceRecord`, base64url: encoding ``j``
as is, ``z`` DEFLATE-compressed (the compact form). The signature is over exactly those JSON
bytes. Values are folded the way git folds trailers (continuation lines start with
whitespace), which ``git interpret-trailers`` reads and writes.

Parsing looks at the whole message, not only its last paragraph: a squash (``git rebase -i``,
``git merge --squash``) keeps each original commit's trailers in the body, possibly indented,
and each of those records is verified on its own.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from tracemark.attest.lines import b64, unb64

ASSISTED_BY = "Assisted-by"
RECORD_KEY = "Tracemark-Record"
SIGNATURE_KEY = "Tracemark-Signature"
#: The trailer format version written by this tracemark (``v1`` in every value).
FORMAT = "v1"
FOLD = 76

_KEYS = re.compile(
    r"^(?P<indent>[ \t]*)(?P<key>assisted-by|tracemark-record|tracemark-signature)[ \t]*:"
    r"[ \t]*(?P<value>.*?)[ \t]*$",
    re.IGNORECASE,
)


class TrailerError(ValueError):
    """A tracemark trailer that cannot be decoded; the message says what is wrong."""


def fold(key: str, value: str) -> str:
    """``key: value``; a long value's last token (the data) goes on continuation lines."""
    if len(key) + 2 + len(value) <= FOLD:
        return f"{key}: {value}"
    head, _, blob = value.rpartition(" ")
    chunks = [blob[i:i + FOLD] for i in range(0, len(blob), FOLD)]
    return "\n".join([f"{key}: {head}".rstrip(), *(f" {c}" for c in chunks)])


def encode_record(canonical: bytes, compact: bool) -> str:
    """The ``Tracemark-Record`` value for canonical record bytes."""
    if compact:
        return f"{FORMAT} z {b64(zlib.compress(canonical, 9))}"
    return f"{FORMAT} j {b64(canonical)}"


#: A decoded record is refused past this size (a forged trailer must not exhaust memory).
MAX_RECORD_BYTES = 8 * 1024 * 1024


def decode_record(value: str) -> bytes:
    """Canonical record bytes from a ``Tracemark-Record`` value, or :class:`TrailerError`."""
    parts = value.split(None, 2)
    if len(parts) < 3:
        raise TrailerError("Tracemark-Record: expected 'v1 ENCODING DATA'")
    version, enc, data = parts
    if version != FORMAT:
        raise TrailerError(f"Tracemark-Record: format {version!r} is not supported "
                           f"(this tracemark reads {FORMAT})")
    try:
        raw = unb64(data)
    except ValueError:
        raise TrailerError("Tracemark-Record: not valid base64url") from None
    if enc == "j":
        return raw
    if enc == "z":
        try:
            d = zlib.decompressobj()
            out = d.decompress(raw, MAX_RECORD_BYTES)
            if d.unconsumed_tail:
                raise TrailerError("Tracemark-Record: decompressed record is too large")
            if not d.eof:
                raise TrailerError("Tracemark-Record: compressed data is corrupt (truncated?)")
            return out
        except zlib.error:
            raise TrailerError("Tracemark-Record: compressed data is corrupt (truncated?)"
                               ) from None
    raise TrailerError(f"Tracemark-Record: unknown encoding {enc!r}")


@dataclass
class Trailer:
    key: str
    value: str
    #: Lines ``[first, last]`` (0-based, inclusive) of the message it occupies.
    first: int
    last: int


@dataclass
class RecordTrailers:
    """One record and the signature that follows it in the message."""

    record: Trailer
    signature: Trailer | None = None

    @property
    def lines(self) -> tuple[int, int]:
        last = self.signature.last if self.signature else self.record.last
        return self.record.first, last


@dataclass
class ParsedMessage:
    text: str
    records: list[RecordTrailers] = field(default_factory=list)
    assisted_by: list[str] = field(default_factory=list)
    #: Signatures with no record before them (a record line was deleted).
    orphan_signatures: list[Trailer] = field(default_factory=list)


def parse_message(text: str) -> ParsedMessage:
    """Every tracemark trailer in a message, wherever it is (indented or not)."""
    lines = text.split("\n")
    out = ParsedMessage(text)
    i = 0
    pending: RecordTrailers | None = None
    while i < len(lines):
        m = _KEYS.match(lines[i])
        if not m:
            i += 1
            continue
        indent = m.group("indent")
        value = [m.group("value")]
        j = i + 1
        while j < len(lines) and lines[j].startswith(indent) and lines[j][len(indent):][:1] in (
            " ", "\t") and lines[j].strip():
            value.append(lines[j].strip())
            j += 1
        key = m.group("key").lower()
        trailer = Trailer(key, " ".join(v for v in value if v), i, j - 1)
        if key == "assisted-by":
            out.assisted_by.append(trailer.value)
        elif key == "tracemark-record":
            pending = RecordTrailers(trailer)
            out.records.append(pending)
        elif pending is not None and pending.signature is None:
            pending.signature = trailer
        else:
            out.orphan_signatures.append(trailer)
        i = j
    return out


def remove_lines(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the given inclusive line spans."""
    drop: set[int] = set()
    for a, b in spans:
        drop.update(range(a, b + 1))
    return "\n".join(line for n, line in enumerate(text.split("\n")) if n not in drop)


def add_trailers(message_file: Path, trailers: list[tuple[str, str]], cwd: Path) -> None:
    """Append trailers to a message file with ``git interpret-trailers`` (it knows comment
    lines, the ``--verbose`` scissors and an existing trailer block)."""
    from tracemark.gitutil import git

    if not trailers:
        return
    args = ["interpret-trailers", "--in-place", "--no-divider", "--if-exists", "add",
            "--if-missing", "add", "--where", "end"]
    for key, value in trailers:
        args += ["--trailer", fold(key, value)]
    git([*args, str(message_file)], cwd)


def is_empty_message(text: str, comment: str = "#") -> bool:
    """Nothing but comments and blank lines: git will abort the commit, so add nothing."""
    for line in text.split("\n"):
        if line.startswith(f"{comment} ------------------------ >8"):
            break
        if line.strip() and not line.startswith(comment):
            return False
    return True
