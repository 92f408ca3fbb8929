"""A deliberately naive per-character model of tracking, to check the real one against.

Every character carries its origin and the id of the span (claim) it belongs to. The rules are
written here from the specification, independently of ``tracemark.tracking``:

- an edit touches a span when it removes one of its characters, or inserts at least one
  character strictly between two characters of it (an empty edit changes nothing);
- the touched span's characters on the lines the edit touched become ai-modified;
- inserted text gets the inserting origin (or none), as a new claim;
- marking gives a range a new claim; reviewing turns AI characters in a range into reviewed;
- after every operation each maximal run of characters sharing (id, origin) is one claim.

Positions convert from (line, character) in an encoding by walking code points one by one.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from tracemark.model import Origin, OriginKind

_ids = itertools.count(1)


def _width(ch: str, enc: str) -> int:
    if enc == "utf-32":
        return 1
    if enc == "utf-16":
        return len(ch.encode("utf-16-le", "surrogatepass")) // 2
    return len(ch.encode("utf-8", "surrogatepass"))


def _line_starts(chars: list[str]) -> list[int]:
    starts = [0]
    i = 0
    while i < len(chars):
        c = chars[i]
        if c == "\r" and i + 1 < len(chars) and chars[i + 1] == "\n":
            starts.append(i + 2)
            i += 2
            continue
        if c in "\r\n":
            starts.append(i + 1)
        i += 1
    return starts


def _content_end(chars: list[str], starts: list[int], line: int) -> int:
    end = starts[line + 1] if line + 1 < len(starts) else len(chars)
    while end > starts[line] and chars[end - 1] in "\r\n":
        end -= 1
        if chars[end] == "\n" and end > starts[line] and chars[end - 1] == "\r":
            end -= 1
        break
    return end


@dataclass
class RefDoc:
    chars: list[str]
    origins: list[Origin | None] = field(default_factory=list)
    ids: list[int | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.origins:
            self.origins = [None] * len(self.chars)
            self.ids = [None] * len(self.chars)

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def offset(self, line: int, character: int, enc: str) -> int:
        starts = _line_starts(self.chars)
        if line < 0:
            return 0
        if line >= len(starts):
            return len(self.chars)
        i = starts[line]
        end = _content_end(self.chars, starts, line)
        acc = 0
        while i < end:
            w = _width(self.chars[i], enc)
            if acc + w > character:
                break
            acc += w
            i += 1
        return i

    def _relabel(self) -> None:
        prev_key: tuple | None = None
        cur: int | None = None
        for i, (sid, org) in enumerate(zip(self.ids, self.origins, strict=True)):
            if sid is None:
                prev_key = None
                continue
            key = (sid, id(org))
            if key != prev_key:
                cur = next(_ids)
                prev_key = key
            self.ids[i] = cur

    def edit(self, start: int, end: int, new: str, origin: Origin | None) -> None:
        if end < start:
            start, end = end, start
        if start == end and not new:
            return
        touched = {i for i in self.ids[start:end] if i is not None}
        inside = 0 < start < len(self.chars) and self.ids[start - 1] is not None
        if start == end and inside and self.ids[start - 1] == self.ids[start]:
            touched.add(self.ids[start])
        old_starts = _line_starts(self.chars)
        ls = max(s for s in old_starts if s <= start)
        nid = next(_ids) if origin is not None else None
        self.chars[start:end] = list(new)
        self.origins[start:end] = [origin] * len(new)
        self.ids[start:end] = [nid] * len(new)
        new_starts = _line_starts(self.chars)
        pos = start + len(new)
        line = max(k for k, s in enumerate(new_starts) if s <= pos)
        le = new_starts[line + 1] if line + 1 < len(new_starts) else len(self.chars)
        cache: dict[int, Origin] = {}
        for i in range(ls, le):
            if self.ids[i] in touched:
                org = self.origins[i]
                assert org is not None
                self.origins[i] = cache.setdefault(id(org), org.modified())
        self._relabel()

    def mark(self, start: int, end: int, origin: Origin | None) -> None:
        nid = next(_ids) if origin is not None else None
        for i in range(start, end):
            self.origins[i] = origin
            self.ids[i] = nid
        self._relabel()

    def review(self, start: int, end: int) -> None:
        cache: dict[int, Origin] = {}
        for i in range(start, end):
            org = self.origins[i]
            if org is not None and org.kind.is_ai and org.kind is not OriginKind.REVIEWED:
                self.origins[i] = cache.setdefault(id(org), org.reviewed())
        self._relabel()

    def kinds(self) -> list[tuple | None]:
        """Per character: what an origin says, ignoring object identity and review time."""
        return [
            None if o is None else (o.kind, o.tool, o.model, o.session, o.confidence)
            for o in self.origins
        ]
