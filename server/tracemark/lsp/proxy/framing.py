"""The JSON-RPC base protocol's framing (``Content-Length`` headers), for the proxy's two pipes.

Hand-written because it is the few lines the base protocol needs and the proxy must see each
message's body as it came, to forward it unchanged.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any


class FramingError(Exception):
    """A message header the base protocol does not allow."""


async def read_message(reader: asyncio.StreamReader) -> bytes | None:
    """The body of the next ``Content-Length`` framed message; ``None`` at end of stream."""
    length: int | None = None
    while True:
        line = await reader.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            if length is None:
                raise FramingError("message without a Content-Length header")
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError:
                raise FramingError(f"bad Content-Length: {value.strip()!r}") from None
    try:
        return await reader.readexactly(length)
    except asyncio.IncompleteReadError:
        return None


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def dumps(msg: dict[str, Any]) -> bytes:
    return json.dumps(msg, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
