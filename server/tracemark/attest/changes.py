"""Which lines a commit adds: the diff that binds a record to content.

Both sides of the binding use git's plumbing with the same fixed options: at commit time
``git diff-index --cached`` (the staged content against the parent-to-be), at verification
``git diff-tree`` (the commit against its first parent). Plumbing ignores the user's diff
configuration (external diff drivers, textconv, ``diff.algorithm``), renames are off, and with no
context lines every line of a hunk's new side is an added line.

Different git versions may slide an ambiguous hunk (a block inserted next to identical lines)
differently; :func:`slide_closure` widens the added lines by exactly those slides so that
verification does not depend on git's heuristics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tracemark.gitutil import git

#: Fixed diff options: both sides of the binding must see the same diff.
DIFF_OPTS = [
    "-p", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames",
    "--diff-algorithm=myers", "--indent-heuristic", "--ignore-submodules=all",
    "--src-prefix=a/", "--dst-prefix=b/", "-r",
]  # fmt: skip

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESC = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


@dataclass
class FileChange:
    """Lines one commit adds to one file: 1-based line number (new side) → line bytes."""

    path: str
    added: dict[int, bytes] = field(default_factory=dict)

    def added_lines(self) -> list[bytes]:
        return [self.added[n] for n in sorted(self.added)]


def _unquote(raw: bytes) -> str:
    """A path from a diff header: git C-quotes unusual names (``"b/a\\tb"``)."""
    if not raw.startswith(b'"'):
        return raw.decode("utf-8", "surrogateescape")
    body = raw[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c == 0x5C and i + 1 < len(body):  # backslash
            nxt = chr(body[i + 1])
            if nxt in "01234567":
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
            out.append(_ESC.get(nxt, body[i + 1]))
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out).decode("utf-8", "surrogateescape")


def parse_diff(out: bytes) -> dict[str, FileChange]:
    """Added lines per file from ``-p -U0`` output (deleted and binary files have none)."""
    files: dict[str, FileChange] = {}
    current: FileChange | None = None
    line_no = 0
    remaining = 0
    for raw in out.split(b"\n"):
        if remaining and raw.startswith(b"+"):
            assert current is not None
            current.added[line_no] = raw[1:]
            line_no += 1
            remaining -= 1
            continue
        if raw.startswith(b"diff --git "):
            current = None
            remaining = 0
        elif raw.startswith(b"+++ "):
            name = raw[4:]
            if name == b"/dev/null":
                current = None
                continue
            path = _unquote(name)
            path = path[2:] if path.startswith("b/") else path
            current = files.setdefault(path, FileChange(path))
        elif raw.startswith(b"@@") and current is not None:
            m = _HUNK.match(raw)
            if m:
                line_no = int(m.group(1))
                remaining = int(m.group(2)) if m.group(2) is not None else 1
    return {p: fc for p, fc in files.items() if fc.added}


@cache
def empty_tree(root: str) -> str:
    """The empty tree's id in this repository's hash (SHA-1 or SHA-256)."""
    return git(["hash-object", "-t", "tree", "/dev/null"], root).stdout.decode().strip()


def staged_changes(
    root: Path, base: str | None, paths: Sequence[str] = ()
) -> dict[str, FileChange]:
    """Lines the index adds relative to ``base`` (``None``: an unborn branch, the empty tree).

    Honours ``GIT_INDEX_FILE`` (``git commit -a`` and ``git commit PATH`` commit a temporary
    index): hooks inherit it and so does this subprocess.
    """
    tree = base or empty_tree(str(root))
    proc = git(["-c", "core.quotePath=false", "diff-index", "--cached", *DIFF_OPTS, tree,
                "--", *paths], root)
    return parse_diff(proc.stdout)


def commit_changes(root: Path, commit: str, parent: str | None) -> dict[str, FileChange]:
    """Lines ``commit`` adds relative to ``parent`` (``None``: a root commit)."""
    base = parent or empty_tree(str(root))
    proc = git(["-c", "core.quotePath=false", "diff-tree", *DIFF_OPTS, base, commit], root)
    return parse_diff(proc.stdout)


def read_blobs(root: Path, specs: Iterable[str]) -> dict[str, bytes | None]:
    """Contents of several objects in one ``git cat-file --batch`` (``None`` when missing)."""
    wanted = [s for s in dict.fromkeys(specs) if "\n" not in s]
    if not wanted:
        return {}
    proc = git(["cat-file", "--batch"], root, input=("\n".join(wanted) + "\n").encode(
        "utf-8", "surrogateescape"))
    out: dict[str, bytes | None] = {}
    data = proc.stdout
    pos = 0
    for spec in wanted:
        nl = data.index(b"\n", pos)
        header = data[pos:nl].split()
        pos = nl + 1
        if len(header) < 3 or header[-1] == b"missing" or header[1] != b"blob":
            out[spec] = None
            if len(header) >= 3 and header[1] != b"blob" and header[-1] != b"missing":
                pos += int(header[2]) + 1
            continue
        size = int(header[2])
        out[spec] = data[pos:pos + size]
        pos += size + 1
    return out


def split_lines(blob: bytes) -> list[bytes]:
    """Lines as git counts them (``\\n`` ends a line; a final break does not start another)."""
    if not blob:
        return []
    lines = blob.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


def slide_closure(added: Iterable[int], lines: Sequence[bytes]) -> set[int]:
    """Added lines, plus every line a block of them could slide onto in an equivalent diff.

    A block of added lines ``[a, b]`` may equally be shown as ``[a+1, b+1]`` when line ``b+1``
    equals line ``a`` (and upwards likewise); git versions and heuristics choose differently.
    """
    from tracemark.attest.lines import bare

    out = set(added)
    runs: list[tuple[int, int]] = []
    for n in sorted(out):
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    total = len(lines)

    def same(i: int, j: int) -> bool:
        return 1 <= i <= total and 1 <= j <= total and bare(lines[i - 1]) == bare(lines[j - 1])

    for a, b in runs:
        x, y = a, b
        while same(x - 1, y):
            x, y = x - 1, y - 1
            out.add(x)
        x, y = a, b
        while same(y + 1, x):
            x, y = x + 1, y + 1
            out.add(y)
    return out


