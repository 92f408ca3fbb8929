"""Agent Trace v0.1 records (the vendor-neutral attribution format published by Cursor).

One record per commit, for the lines that commit adds (its diff against its first parent) that
are AI-written, as the record's specification describes them: line numbers at that revision,
grouped by conversation, each conversation with its contributor (``ai``, or ``mixed`` for AI
lines a person edited) and ``model_id`` in the models.dev ``provider/model`` form.

Where the origins come from, per line: the ledger (its spans re-anchored onto the file as of
the commit), else the commit's git-ai note (``refs/notes/ai``). The record's required fields are
``version``, ``id``, ``timestamp`` and ``files``; tracemark's own details (which tool and session
each conversation is, which source said so) go in ``metadata["dev.tracemark"]``, the place the
specification gives vendors. ``id`` is derived from the commit, so exporting twice gives the
same records.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from tracemark import __version__
from tracemark.capture import gitai
from tracemark.errors import InputError
from tracemark.gitutil import Repo, git
from tracemark.model import LineOrigin, OriginKind

VERSION = "0.1"
SCHEMA = "tracemark/agent-trace/v1"
_NAMESPACE = uuid.UUID("6c1f7f3e-3b8e-5a43-9d55-0c3f4b9e2a10")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_PROVIDERS = (("claude-", "anthropic"), ("gpt-", "openai"), ("o1", "openai"), ("o3", "openai"),
              ("o4", "openai"), ("codex", "openai"), ("gemini-", "google"),
              ("grok-", "xai"), ("mistral", "mistral"), ("deepseek", "deepseek"))


def model_id(model: str | None) -> str | None:
    """``claude-sonnet-4-5`` → ``anthropic/claude-sonnet-4-5`` (the models.dev convention)."""
    if not model or "/" in model:
        return model or None
    for prefix, provider in _PROVIDERS:
        if model.startswith(prefix):
            return f"{provider}/{model}"
    return model


def commits(repo: Repo, spec: str) -> list[str]:
    """The commits of ``spec``: ``A..B`` (oldest first) or one revision."""
    args = ["rev-list", "--reverse", spec] if ".." in spec else \
        ["rev-parse", "--verify", "--end-of-options", f"{spec}^{{commit}}"]
    proc = git(args, repo.root, check=False)
    if proc.returncode != 0:
        raise InputError(f"{spec}: not a revision or range in this repository")
    return proc.stdout.decode().split()


def added_lines(repo: Repo, commit: str) -> dict[str, list[int]]:
    """Per file, the 1-based lines ``commit`` adds against its first parent."""
    parents = git(["rev-list", "--parents", "-n", "1", commit], repo.root).stdout.split()[1:]
    if parents:
        args = ["diff", "-U0", "--no-color", "--no-ext-diff", "-M", parents[0].decode(), commit]
    else:
        args = ["diff-tree", "-p", "-U0", "--no-color", "--no-ext-diff", "--root", commit]
    out: dict[str, list[int]] = {}
    path: str | None = None
    for raw in git(args, repo.root).stdout.decode("utf-8", "surrogateescape").splitlines():
        if raw.startswith("+++ "):
            target = raw[4:]
            path = target[2:] if target.startswith("b/") else None
        elif path is not None and (m := _HUNK.match(raw)):
            start, count = int(m.group(1)), int(m.group(2) or 1)
            out.setdefault(path, []).extend(range(start, start + count))
    return {p: lines for p, lines in out.items() if lines}


def _text_at(repo: Repo, commit: str, path: str) -> str | None:
    from tracemark.textfile import decode_text

    proc = git(["show", f"{commit}:{path}"], repo.root, check=False)
    if proc.returncode != 0:
        return None
    try:
        return decode_text(proc.stdout, path)
    except InputError:
        return None  # binary or not UTF-8: no line attribution


def _line_origins(ledger: Any, path: str, text: str) -> list[LineOrigin]:
    from tracemark.tracking import TextIndex, classify_lines

    spans = ledger.load(path, text) if ledger is not None and ledger.knows(path) else []
    return classify_lines(TextIndex(text), spans)


def record_for(repo: Repo, commit: str, ledger: Any, notes: gitai.NoteCache
               ) -> dict[str, Any] | None:
    """The Agent Trace record of ``commit``, or ``None`` when it adds no AI line."""
    from tracemark.tracking import TextIndex

    note_lines = gitai.commit_origins(repo, commit, notes)
    files = []
    details: dict[str, list[dict[str, Any]]] = {}
    for path, added in added_lines(repo, commit).items():
        text = _text_at(repo, commit, path)
        if text is None:
            continue
        index = TextIndex(text)
        origins = _line_origins(ledger, path, text)
        from_note = note_lines.get(path, {})
        groups: dict[tuple, list[int]] = {}
        for line in added:
            if line > len(origins):
                continue
            lo = origins[line - 1]
            if lo.kind.is_ai:
                key = (lo.tool, lo.model, lo.session,
                       "mixed" if lo.kind is OriginKind.AI_MODIFIED else "ai", "ledger")
            elif (n := from_note.get(line)) is not None and n.kind is OriginKind.AI:
                key = (n.tool, n.model, n.session, "ai", "git-ai")
            else:
                continue
            groups.setdefault(key, []).append(line)
        if not groups:
            continue
        conversations = []
        for (tool, model, session, ctype, source), lines in groups.items():
            contributor: dict[str, Any] = {"type": ctype}
            if (mid := model_id(model)) is not None:
                contributor["model_id"] = mid[:250]
            conversations.append({"contributor": contributor,
                                  "ranges": _ranges(index, lines)})
            details.setdefault(path, []).append(
                {"tool": tool, "model": model, "session": session, "source": source})
        files.append({"path": path, "conversations": conversations})
    if not files:
        return None
    when = git(["show", "-s", "--format=%ct", commit], repo.root).stdout.decode().strip()
    stamp = datetime.fromtimestamp(int(when), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "version": VERSION,
        "id": str(uuid.uuid5(_NAMESPACE, commit)),
        "timestamp": stamp,
        "vcs": {"type": "git", "revision": commit},
        "tool": {"name": "tracemark", "version": __version__},
        "files": files,
        "metadata": {"dev.tracemark": {"schema": SCHEMA, "conversations": details}},
    }


def _ranges(index: Any, lines: list[int]) -> list[dict[str, Any]]:
    out = []
    run: list[int] = []
    for line in [*sorted(lines), -1]:
        if run and line != run[-1] + 1:
            body = "\n".join(index.line_text(i - 1) for i in run)
            out.append({"start_line": run[0], "end_line": run[-1],
                        "content_hash": "sha256:" + hashlib.sha256(body.encode()).hexdigest()})
            run = []
        run.append(line)
    return out


def export(repo: Repo, spec: str, notes: gitai.NoteCache | None = None
           ) -> Iterator[dict[str, Any]]:
    """Agent Trace records for the commits of ``spec`` that add AI lines, oldest first.

    Malformed git-ai notes are skipped and listed in ``notes.problems``.
    """
    from tracemark.ledger import open_ledger
    from tracemark.ledger.store import ledger_path

    shas = commits(repo, spec)
    notes = notes or gitai.NoteCache(repo)
    ledger = open_ledger(repo) if ledger_path(repo).exists() else None
    try:
        for sha in shas:
            rec = record_for(repo, sha, ledger, notes)
            if rec is not None:
                yield rec
    finally:
        if ledger is not None:
            ledger.close()
