"""Hashes of lines: how a record binds to content (``docs/trailers.md``, "Binding").

Lines are bytes as git stores them, each taken without its line break (``\\n``, and a ``\\r``
before it), so a line-ending conversion is not a content change: the rest of tracemark treats
line breaks the same way.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence


def b64(data: bytes) -> str:
    """base64url without padding (what every hash and blob in a record uses)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    """Inverse of :func:`b64`; whitespace is ignored, a bad alphabet raises ``ValueError``."""
    s = "".join(text.split())
    s += "=" * (-len(s) % 4)
    return base64.urlsafe_b64decode(s.encode("ascii"))


def bare(line: bytes) -> bytes:
    """The line without its line break."""
    if line.endswith(b"\n"):
        line = line[:-1]
    if line.endswith(b"\r"):
        line = line[:-1]
    return line


def _feed(lines: Iterable[bytes]) -> hashlib._Hash:
    h = hashlib.sha256()
    for line in lines:
        h.update(bare(line))
        h.update(b"\n")
    return h


#: Digest sizes in bytes: full, and the compact encoding's per-range size (whose strength comes
#: from the per-file digest over all the file's AI lines, full size).
FULL, SHORT = 32, 12


def range_digest(lines: Sequence[bytes], size: int = FULL) -> str:
    """SHA-256 of consecutive lines (truncated to ``size`` bytes): what binds a range."""
    return b64(_feed(lines).digest()[:size])


def digest_size(digest: str) -> int:
    """The byte size of a base64url digest (43 characters: 32 bytes; 16: 12 bytes)."""
    return len(digest) * 3 // 4


def line_hash(line: bytes) -> str:
    """A short per-line hash (6 bytes): tells which line of a range changed, proves nothing."""
    return b64(hashlib.sha256(bare(line)).digest()[:6])


def added_digest(lines: Iterable[bytes]) -> str:
    """SHA-256 (16 bytes) of all lines a commit adds to a file, in order."""
    return b64(_feed(lines).digest()[:16])


def files_digest(entries: Iterable[tuple[str, str]]) -> str:
    """Digest of ``(path, added_digest)`` pairs sorted by path (compact encoding's fold)."""
    h = hashlib.sha256()
    for path, digest in sorted(entries):
        h.update(path.encode("utf-8", "surrogateescape") + b"\0" + digest.encode() + b"\n")
    return b64(h.digest()[:16])
