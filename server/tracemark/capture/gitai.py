"""git-ai authorship notes (``refs/notes/ai``, Git AI Standard v3), read as a second source.

git-ai attaches to each commit a note with two sections separated by a line ``---``::

    src/main.rs                                   a file path (quoted if it has spaces)
      s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10,15  an attestation key and the commit's lines
      h_31dce776f88375 35-40                      a known human
    ---
    {"schema_version": "authorship/3.0.0", "base_commit_sha": "...", "prompts": {...},
     "sessions": {"s_c9883b05a2487d": {"agent_id": {"tool": "cursor", "id": "...",
                                                    "model": "claude-sonnet-4-5"}}},
     "humans": {"h_31dce776f88375": {"author": "Dev <dev@example.com>"}}}

Keys route by prefix: ``s_<14hex>::t_<14hex>`` to ``sessions`` (by the part before ``::``),
``h_<14hex>`` to ``humans``, a bare 16-hex (or 7-hex) key to the legacy ``prompts``. Line
numbers are 1-based and refer to the file as of that commit.

tracemark never writes these notes. ``blame`` maps each line of the working-tree file to the
commit and line it came from (``git blame --line-porcelain``) and looks the line up in that
commit's note; a line the ledger knows nothing about (no claim) takes the note's origin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tracemark.gitutil import git
from tracemark.model import Confidence, LineOrigin, OriginKind

if TYPE_CHECKING:
    from tracemark.gitutil import Repo

NOTES_REF = "refs/notes/ai"
SCHEMA_MAJOR = "authorship/3."
#: git-ai's tool names where tracemark has its own (``claude`` is Claude Code).
TOOL_NAMES = {"claude": "claude-code", "github-copilot": "copilot"}
_ZERO = "0" * 40
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")
_BLAME_HEAD = re.compile(r"^([0-9a-f]{40}) (\d+) (\d+)(?: \d+)?$")


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class AgentId(_Open):
    tool: str
    id: str = ""
    model: str | None = None


class SessionRecord(_Open):
    agent_id: AgentId
    human_author: str | None = None


class PromptRecord(_Open):
    agent_id: AgentId
    human_author: str | None = None


class HumanRecord(_Open):
    author: str


class Metadata(_Open):
    schema_version: str
    base_commit_sha: str | None = None
    git_ai_version: str | None = None
    prompts: dict[str, PromptRecord] = Field(default_factory=dict)
    sessions: dict[str, SessionRecord] = Field(default_factory=dict)
    humans: dict[str, HumanRecord] = Field(default_factory=dict)


@dataclass(frozen=True)
class NoteOrigin:
    """Who wrote a line, according to a git-ai note."""

    kind: OriginKind  # AI or HUMAN
    tool: str | None = None
    model: str | None = None
    session: str | None = None
    author: str | None = None


class NoteError(ValueError):
    """A note that does not follow the standard: the message says where."""


def _ranges(spec: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(","):
        m = _RANGE.match(part)
        if not m:
            raise NoteError(f"bad line range {part!r}")
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        if a < 1 or b < a:
            raise NoteError(f"bad line range {part!r}")
        out.append((a, b))
    return out


@dataclass
class AuthorshipLog:
    """One commit's note: per file, each key's lines; and the metadata the keys refer to."""

    files: dict[str, list[tuple[str, list[tuple[int, int]]]]]
    metadata: Metadata

    def origin_of(self, key: str) -> NoteOrigin | None:
        md = self.metadata
        if key.startswith("h_"):
            human = md.humans.get(key)
            return NoteOrigin(OriginKind.HUMAN, author=human.author if human else None)
        rec: SessionRecord | PromptRecord | None
        rec = md.sessions.get(key.split("::", 1)[0]) if key.startswith("s_") else \
            md.prompts.get(key)
        if rec is None:
            return None
        a = rec.agent_id
        return NoteOrigin(OriginKind.AI, tool=TOOL_NAMES.get(a.tool, a.tool), model=a.model,
                          session=a.id or None, author=rec.human_author)

    def lines_of(self, path: str) -> dict[int, NoteOrigin]:
        """1-based line → origin, for one file of the commit."""
        out: dict[int, NoteOrigin] = {}
        for key, ranges in self.files.get(path, []):
            origin = self.origin_of(key)
            if origin is None:
                continue
            for a, b in ranges:
                for line in range(a, b + 1):
                    out[line] = origin
        return out


def parse_log(text: str) -> AuthorshipLog:
    """Parse a note's text; :class:`NoteError` when it is not an authorship log v3."""
    head, sep, meta = text.partition("\n---\n")
    if not sep:
        if text.startswith("---\n"):
            head, meta = "", text[4:]
        else:
            raise NoteError("no '---' line between the attestations and the metadata")
    try:
        metadata = Metadata.model_validate_json(meta)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "metadata"
        raise NoteError(f"metadata {where}: {first['msg']}") from None
    if not metadata.schema_version.startswith(SCHEMA_MAJOR):
        raise NoteError(f"schema_version {metadata.schema_version!r} is not authorship/3")
    files: dict[str, list[tuple[str, list[tuple[int, int]]]]] = {}
    current: str | None = None
    for n, line in enumerate(head.splitlines(), 1):
        if not line.strip():
            continue
        if not line.startswith(" "):
            current = line[1:-1] if len(line) > 1 and line[0] == line[-1] == '"' else line
            files.setdefault(current, [])
            continue
        if current is None or not line.startswith("  ") or line[2:3] == " ":
            raise NoteError(f"line {n}: an attestation needs a file line above it and two "
                            "spaces of indentation")
        key, _, spec = line[2:].partition(" ")
        try:
            files[current].append((key, _ranges(spec.strip())))
        except NoteError as err:
            raise NoteError(f"line {n}: {err}") from None
    return AuthorshipLog(files, metadata)


# -- reading notes from a repository ---------------------------------------------------------


def has_notes(repo: Repo) -> bool:
    proc = git(["rev-parse", "-q", "--verify", NOTES_REF], repo.root, check=False)
    return proc.returncode == 0


def read_note(repo: Repo, commit: str) -> AuthorshipLog | None:
    """The git-ai note on ``commit``; ``None`` when there is none. NoteError when malformed."""
    proc = git(["notes", f"--ref={NOTES_REF}", "show", commit], repo.root, check=False)
    if proc.returncode != 0:
        return None
    return parse_log(proc.stdout.decode("utf-8", "replace"))


class NoteCache:
    """Notes by commit, each read once; malformed notes are reported once and skipped."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self._logs: dict[str, AuthorshipLog | None] = {}
        self.problems: list[str] = []

    def get(self, commit: str) -> AuthorshipLog | None:
        if commit not in self._logs:
            try:
                self._logs[commit] = read_note(self.repo, commit)
            except NoteError as err:
                self.problems.append(f"git-ai note on {commit[:12]} ignored: {err}")
                self._logs[commit] = None
        return self._logs[commit]


def commit_origins(repo: Repo, commit: str, cache: NoteCache | None = None
                   ) -> dict[str, dict[int, NoteOrigin]]:
    """Per file of ``commit``, line (1-based, as of that commit) → origin, from its note.

    For per-commit views (``stats``, ``export``): no blame is needed, the note speaks about
    exactly the lines of that commit.
    """
    log = (cache or NoteCache(repo)).get(commit)
    if log is None:
        return {}
    return {path: lines for path in log.files if (lines := log.lines_of(path))}


def blame_origins(repo: Repo, rel: str, cache: NoteCache | None = None
                  ) -> dict[int, NoteOrigin]:
    """Current line (1-based) → origin, for the working-tree file, from git-ai notes."""
    if not has_notes(repo):
        return {}
    proc = git(["blame", "--line-porcelain", "--", rel], repo.root, check=False)
    if proc.returncode != 0:
        return {}  # not committed yet, or no commits: no note can speak for it
    cache = cache or NoteCache(repo)
    out: dict[int, NoteOrigin] = {}
    sha = orig_path = None
    orig_line = final_line = 0
    for raw in proc.stdout.decode("utf-8", "surrogateescape").split("\n"):
        m = _BLAME_HEAD.match(raw)
        if m:
            sha, orig_line, final_line = m.group(1), int(m.group(2)), int(m.group(3))
            orig_path = rel
        elif raw.startswith("filename "):
            orig_path = raw[len("filename "):]
        elif raw.startswith("\t") and sha and sha != _ZERO:
            log = cache.get(sha)
            if log is not None:
                origin = log.lines_of(orig_path or rel).get(orig_line)
                if origin is not None:
                    out[final_line] = origin
    return out


def overlay(lines: list[LineOrigin], notes: dict[int, NoteOrigin]) -> tuple[list[LineOrigin],
                                                                             set[int]]:
    """``lines`` with git-ai's origin on those the ledger has no claim for; and their numbers.

    A ledger claim (an AI write, a review, a person's ``mark --human``) always wins: the ledger
    saw the text being written, the note is another tool's summary at commit time.
    """
    out, used = [], set()
    for lo in lines:
        note = notes.get(lo.line)
        unclaimed = lo.kind is OriginKind.UNKNOWN or (
            lo.kind is OriginKind.HUMAN and lo.confidence is None)
        if note is None or not unclaimed:
            out.append(lo)
            continue
        out.append(replace(lo, kind=note.kind, tool=note.tool, model=note.model,
                           session=note.session, reviewed=False,
                           confidence=Confidence.DECLARED, time=None))
        used.add(lo.line)
    return out, used
