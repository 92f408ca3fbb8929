"""A range of commits read with a fixed number of git processes, whatever its length.

Verifying commit by commit (``verify_commit``) costs four git processes per commit; on a
history of thousands of commits that start-up cost dominates. Here the whole range is read
with one ``git rev-list``, one ``git cat-file --batch`` (every commit object), and one
``git diff-tree --stdin`` (every commit against each of its parents, with the same fixed diff
options as the attestation's binding, :data:`tracemark.attest.changes.DIFF_OPTS`). File
contents are fetched later, in one more ``cat-file --batch``, for exactly the files that are
re-scanned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tracemark.attest.changes import DIFF_OPTS, FileChange, parse_diff
from tracemark.errors import InputError
from tracemark.gitutil import git

_OID = re.compile(rb"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


@dataclass
class Commit:
    """One commit of the range: id, parents, message, and the lines it adds."""

    sha: str
    parents: list[str]
    message: str
    #: Lines added relative to the first parent (the empty tree for a root commit): what a
    #: record binds to.
    changes: dict[str, FileChange] = field(default_factory=dict)
    #: For a merge: lines added relative to each other parent (``parents[1:]``).
    other_changes: list[dict[str, FileChange]] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0].strip()

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    def own_lines(self) -> dict[str, set[int]]:
        """Lines this commit itself adds: for a merge, those new relative to *every* parent
        (its conflict resolutions); the merged lines belong to the commits that brought them."""
        own = {p: set(fc.added) for p, fc in self.changes.items()}
        for theirs in self.other_changes:
            own = {p: s & set(theirs[p].added) if p in theirs else set()
                   for p, s in own.items()}
        return {p: s for p, s in own.items() if s}


def rev_list(root: Path, spec: str) -> list[str]:
    """Commits of ``spec`` (anything ``git rev-list`` takes), parents before children."""
    proc = git(["rev-list", "--topo-order", "--reverse", *spec.split(), "--"], root,
               check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"{spec}: not a revision range ({err[-1] if err else 'git rev-list'})")
    return proc.stdout.decode().split()


def read_objects(root: Path, specs: Iterable[str]) -> dict[str, tuple[str, bytes] | None]:
    """``spec → (type, content)`` for several objects in one ``git cat-file --batch``."""
    wanted = [s for s in dict.fromkeys(specs) if s and "\n" not in s]
    if not wanted:
        return {}
    proc = git(["cat-file", "--batch"], root,
               input=("\n".join(wanted) + "\n").encode("utf-8", "surrogateescape"))
    data = proc.stdout
    out: dict[str, tuple[str, bytes] | None] = {}
    pos = 0
    for spec in wanted:
        nl = data.index(b"\n", pos)
        header = data[pos:nl].split()
        pos = nl + 1
        if len(header) < 3 or header[-1] in (b"missing", b"ambiguous"):
            out[spec] = None
            continue
        size = int(header[2])
        out[spec] = (header[1].decode(), data[pos:pos + size])
        pos += size + 1
    return out


def read_blobs(root: Path, specs: Iterable[str]) -> dict[str, bytes | None]:
    """Blob contents (``REV:PATH``) in one process; ``None`` for missing or non-blobs."""
    return {s: (o[1] if o is not None and o[0] == "blob" else None)
            for s, o in read_objects(root, specs).items()}


def _parse_commit(sha: str, raw: bytes) -> Commit:
    header, _, body = raw.partition(b"\n\n")
    parents = [ln.split()[1].decode() for ln in header.split(b"\n") if ln.startswith(b"parent ")]
    return Commit(sha, parents, body.decode("utf-8", "replace"))


def _split_diff_tree(out: bytes, expected: int) -> list[bytes]:
    """The ``--always`` output of ``diff-tree --stdin``: one section per input line."""
    sections: list[list[bytes]] = []
    for line in out.split(b"\n"):
        if _OID.match(line):
            sections.append([])
        elif sections:
            sections[-1].append(line)
    if len(sections) != expected:
        raise InputError(f"git diff-tree: expected {expected} diffs, read {len(sections)}")
    return [b"\n".join(s) for s in sections]


def load_commits(root: Path, shas: list[str]) -> list[Commit]:
    """The commits ``shas`` with messages and added lines, in three git processes."""
    if not shas:
        return []
    objects = read_objects(root, shas)
    commits = []
    for sha in shas:
        obj = objects.get(sha)
        if obj is None or obj[0] != "commit":
            raise InputError(f"{sha}: not a commit")
        commits.append(_parse_commit(sha, obj[1]))
    pairs: list[tuple[Commit, int]] = []
    lines: list[str] = []
    for c in commits:
        if not c.parents:
            pairs.append((c, 0))
            lines.append(c.sha)
        for i, parent in enumerate(c.parents):
            pairs.append((c, i))
            lines.append(f"{c.sha} {parent}")
    # `diff-tree --stdin` reads "COMMIT PARENT" (that commit against that parent) and, with
    # --root, a bare root commit (against the empty tree). --always prints the id of an
    # empty diff, so the output has exactly one section per input line.
    proc = git(["-c", "core.quotePath=false", "diff-tree", "--stdin", "--always", "--root",
                *DIFF_OPTS], root, input=("\n".join(lines) + "\n").encode())
    for (c, i), section in zip(pairs, _split_diff_tree(proc.stdout, len(pairs)), strict=True):
        changes = parse_diff(section)
        if i == 0:
            c.changes = changes
        else:
            c.other_changes.append(changes)
    return commits
