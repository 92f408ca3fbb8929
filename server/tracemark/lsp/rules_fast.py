"""The fast tier in the editor: tree-sitter rules as a live diagnostics source (``fast``).

One :class:`LiveChecker` (the core's :class:`~tracemark.rules.engine.DocumentChecker`, plus
sliced parsing) per open document in a language the rules cover:

- **incremental**: each applied :class:`~tracemark.tracking.TextEdit` is queued as a byte edit;
  when diagnostics are wanted, the queued edits go to ``Tree.edit`` one by one and the text is
  reparsed once, with the old tree. A burst of keystrokes costs one reparse.
- **restricted**: with ``tracemark.scope: ai`` (the default) the query runs on the AI spans plus
  the function or top-level statement around them (the engine's contexts), split at top-level
  units so a whole AI-written file is many small cached contexts, not one big one; with
  ``all``, on every top-level unit.
- **cached**: findings are cached per context and recomputed only where the tree changed
  (``Tree.changed_ranges`` and the edited bytes); contexts after an edit are shifted, not rerun.
- **never blocking**: tree-sitter holds the GIL, so a thread would not help. Parsing is sliced
  instead (``progress_callback`` halts it after :data:`SLICE_SECONDS`; calling ``parse`` again
  resumes) and so are cold queries; the rest continues in a background task that yields to
  the event loop between slices, and diagnostics are refreshed when it is done. Meanwhile the
  last results are carried forward through the edits made since.

Findings become diagnostics with rule id, severity, CWE link and source ``tracemark``; a rule's
``fix:`` becomes a quick fix (``code_actions``). The engine for a project is built in
:func:`engine_for`, the one place the project policy plugs in.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from lsprotocol import types

from tracemark.lsp.diagnostics import Located, locate
from tracemark.lsp.documents import OpenDocument, uri_to_path
from tracemark.lsp.server import TracemarkServer
from tracemark.rules import languages as langs
from tracemark.rules.engine import DocumentChecker, Engine, default_engine
from tracemark.tracking import TextEdit

if TYPE_CHECKING:
    from tree_sitter import Tree

    from tracemark.lsp.diagnostics import Diagnostics
    from tracemark.model import Finding

log = logging.getLogger("tracemark.lsp.rules_fast")

#: Seconds of parsing or querying done inline before the rest moves to a background task.
SLICE_SECONDS = 0.008
#: Documents larger than this (UTF-8 bytes) get no live checks: a tree for them costs hundreds
#: of megabytes. ``tracemark scan`` and the semgrep tier on save still cover them.
MAX_LIVE_BYTES = 4 * 1024 * 1024


# -- the engine for a project -----------------------------------------------------------------


_ENGINE_LOCK = threading.Lock()


def engine_for(root: Path | None, policy: str | None = None) -> Engine:
    """The rule engine for the project at ``root``: the one place the project policy plugs in
    (rule enable/disable, severities, parameters, scopes). Thread-safe.

    ``policy`` is the ``tracemark.policy`` setting (absolute, or relative to ``root``); without
    it the workspace's ``.tracemark/policy.yaml`` is used when there is one. Built once per
    root, policy file and the file's modification time. A broken policy falls back to the
    defaults (see :func:`policy_problem`).
    """
    with _ENGINE_LOCK:
        return _build_engine(*policy_key(root, policy))[0]


def policy_problem(root: Path | None, policy: str | None = None) -> str | None:
    """The one-line reason the policy could not be used (``FILE:LINE: field: reason``)."""
    with _ENGINE_LOCK:
        return _build_engine(*policy_key(root, policy))[1]


def policy_key(root: Path | None, policy: str | None
               ) -> tuple[Path | None, Path | None, tuple[int, int] | None]:
    """``(root, policy file, (mtime, size))``: what the engine for a project depends on."""
    from tracemark.policy import find_policy

    path: Path | None = None
    if policy:
        path = Path(policy).expanduser()
        if not path.is_absolute() and root is not None:
            path = root / path
    elif root is not None:
        path = find_policy(root)
    stamp = None
    if path is not None:
        try:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
    return root, path, stamp


@cache
def _build_engine(root: Path | None, path: Path | None, stamp: tuple[int, int] | None
                  ) -> tuple[Engine, str | None]:
    from tracemark.errors import InputError
    from tracemark.rules.project import engine_for_project

    if path is None:
        if root is None:
            return default_engine(), None
        return engine_for_project(root, None), None
    try:
        return engine_for_project(root or path.parent, path), None
    except InputError as err:
        return default_engine(), f"policy not applied, using the defaults: {err}"


# -- the checker ------------------------------------------------------------------------------


class ByteEdit(NamedTuple):
    """One edit in tree-sitter's units: UTF-8 bytes and ``(row, byte column)`` points."""

    start: int
    old_end: int
    new_end: int
    start_point: tuple[int, int]
    old_end_point: tuple[int, int]
    new_end_point: tuple[int, int]

    @classmethod
    def of(cls, e: TextEdit) -> ByteEdit:
        return cls(e.start_byte, e.old_end_byte, e.new_end_byte, e.start_point,
                   e.old_end_point, e.new_end_point)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _tree_bytes(text: str) -> bytes:
    """The document as tree-sitter gets it: UTF-8, a lone surrogate (an editor can send one,
    ``"\\ud83d"`` in JSON) as U+FFFD. Both are three bytes, so every byte offset the server
    computes (with ``surrogatepass``) still holds; the invalid bytes ``surrogatepass`` makes
    would make py-tree-sitter's text predicates fail to decode a node, and crash the process
    (found by tests/proof/test_fuzz.py)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text).encode("utf-8")


def _point(source: bytes, byte: int) -> tuple[int, int]:
    return source.count(b"\n", 0, byte), byte - (source.rfind(b"\n", 0, byte) + 1)


def _common_prefix(a: bytes, b: bytes) -> int:
    """Length of the common prefix, comparing 64 KiB blocks in C before narrowing down."""
    n = min(len(a), len(b))
    step = 1 << 16
    i = 0
    while i < n and a[i:i + step] == b[i:i + step]:
        i += step
    lo, hi = i, min(i + step, n)
    while lo < hi:  # a[:lo] == b[:lo]; find the first difference in [lo, hi]
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def diff_edit(old: bytes, new: bytes) -> ByteEdit | None:
    """The one edit that turns ``old`` into ``new``: the differing middle (whole-text syncs)."""
    if old == new:
        return None
    pre = _common_prefix(old, new)
    limit = min(len(old), len(new)) - pre
    suf = min(_common_prefix(old[::-1], new[::-1]), limit)
    old_end, new_end = len(old) - suf, len(new) - suf
    return ByteEdit(pre, old_end, new_end, _point(old, pre), _point(old, old_end),
                    _point(new, new_end))


_READ_CHUNK = 4096
#: A small edit to a document of at most this size is reparsed in one go from the bytes,
#: without slices: an incremental parse of a keystroke takes well under a millisecond there,
#: and py-tree-sitter 0.26.1 leaks what a read callback returns (about 8 KB per parse with
#: 4 KiB chunks, found by benchmarks/memory.py's sibling checks): the sliced callback parse is
#: kept for first parses, big edits and big files, where blocking the loop would show.
_WHOLE_PARSE_MAX = 256 * 1024
_SMALL_EDIT = 4 * 1024


class Halted(Exception):
    """A sliced parse ran out of time; calling :meth:`LiveChecker.step` again resumes it."""


@dataclass
class ParseJob:
    """Bringing a checker's tree to ``source``: the edits are already applied to ``old``."""

    source: bytes
    edits: list[ByteEdit]
    old: Tree


class LiveChecker(DocumentChecker):
    """A :class:`DocumentChecker` whose parses run in slices and whose checks have a budget.

    Starts empty; the first :meth:`begin`/:meth:`step` parses the document (an incremental
    parse from an empty tree is a full parse).
    """

    def __init__(self, spec: langs.LanguageSpec, engine: Engine, path: str | None) -> None:
        super().__init__(spec, b"", engine=engine, path=path)
        self._units: list[tuple[int, int]] | None = None
        #: Bytes per cold query, adapted to the measured query speed.
        self._batch = 8 * 1024

    # -- parsing ----------------------------------------------------------------------------

    def begin(self, edits: list[ByteEdit] | None, source: bytes) -> ParseJob:
        """Apply ``edits`` (``None``: whatever turns the current text into ``source``) to the
        tree; the parse itself runs in :meth:`step`."""
        if edits is None:
            one = diff_edit(self.source, source)
            edits = [one] if one is not None else []
        old = self.tree
        for e in edits:
            old.edit(start_byte=e.start, old_end_byte=e.old_end, new_end_byte=e.new_end,
                     start_point=e.start_point, old_end_point=e.old_end_point,
                     new_end_point=e.new_end_point)
        return ParseJob(source, edits, old)

    def step(self, job: ParseJob, deadline: float) -> None:
        """Parse ``job`` until done (returns) or ``deadline`` passes (raises :class:`Halted`)."""
        source = job.source
        if self.source and len(source) <= _WHOLE_PARSE_MAX and all(
                e.old_end - e.start <= _SMALL_EDIT and e.new_end - e.start <= _SMALL_EDIT
                for e in job.edits):
            self._finish(job, self._parser.parse(source, job.old))
            return
        halted = False

        def read(byte: int, _point: object) -> bytes:
            # The tree keeps this callback: py-tree-sitter calls it again for the text of every
            # node a text predicate (#eq?, #match?) looks at. Small chunks keep those reads
            # cheap (64 KiB chunks made a query on a small function ~60 times slower).
            return source[byte:byte + _READ_CHUNK]

        def progress(*_: object) -> bool:
            nonlocal halted
            halted = time.perf_counter() > deadline
            return halted

        try:
            new = self._parser.parse(read, job.old, progress_callback=progress)
        except ValueError:
            if halted:
                raise Halted from None
            raise
        self._finish(job, new)

    def abandon(self) -> None:
        """Forget a halted parse (its text is gone); the next parse starts afresh."""
        self._parser.reset()

    def _finish(self, job: ParseJob, new: Tree) -> None:
        changed = [(r.start_byte, r.end_byte) for r in job.old.changed_ranges(new)]
        for e in job.edits:
            self._invalidate(e.start, e.old_end, e.new_end, e.old_end_point, e.new_end_point,
                             [(e.start, e.new_end)])
        self._cache = {ctx: found for ctx, found in self._cache.items()
                       if not any(cs <= ctx[1] and ctx[0] <= ce for cs, ce in changed)}
        self.tree = new
        self.source = job.source
        self._units = None

    # -- checking ---------------------------------------------------------------------------

    def unit_ranges(self) -> list[tuple[int, int]]:
        """Byte ranges of the top-level units (statements, functions, classes)."""
        if self._units is None:
            self._units = [(n.start_byte, n.end_byte) for n in self.tree.root_node.children
                           if n.end_byte > n.start_byte]
        return self._units

    def contexts(self, wanted: list[tuple[int, int]] | None) -> list[tuple[int, int]]:
        """The contexts to query for ``wanted`` (``None``: the whole document), split at
        top-level units so each is small and cached on its own."""
        if wanted is None:
            return self.unit_ranges()
        root = self.tree.root_node
        out: list[tuple[int, int]] = []
        if root.child_count == 0:
            return out
        for s, e in wanted:
            s = max(s, 0)  # a negative byte wraps around in tree-sitter's C API (segfault)
            # Only the units the range touches (walking all of them costs ~1 ms per 600).
            last = root.child(root.child_count - 1)
            # py-tree-sitter 0.26 returns a NULL node (not None) when no child ends after the
            # byte, and touching it segfaults: ask only when some child does (the fuzz suite,
            # tests/proof/test_fuzz.py, found it with an AI span in trailing blank lines).
            node = root.first_child_for_byte(s) if last is not None and last.end_byte > s \
                else None
            prev = node.prev_sibling if node is not None else last
            if prev is not None and prev.end_byte > s:
                node = prev
            while node is not None and node.start_byte < e:
                us, ue = node.start_byte, node.end_byte
                node = node.next_sibling
                if ue <= s or ue <= us:
                    continue
                if s <= us and ue <= e:
                    out.append((us, ue))
                else:
                    ctx = self.context_range(max(s, us), min(e, ue))
                    if ctx is not None:
                        out.append(ctx)
        out.sort()
        merged: list[tuple[int, int]] = []
        for s, e in out:
            if merged and s < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        return merged

    def check_within(self, wanted: list[tuple[int, int]] | None, deadline: float
                     ) -> tuple[list[Finding], int]:
        """Findings overlapping ``wanted`` (all when ``None``), and how many contexts were left
        unqueried because ``deadline`` passed (at least one query always runs)."""
        contexts = self.contexts(wanted)
        found: dict[tuple[str, int, int], Finding] = {}
        missing: list[int] = []
        for i, ctx in enumerate(contexts):
            items = self._cache.get(ctx)
            if items is None:
                missing.append(i)
            else:
                for f in items:
                    found[(f.rule_id, f.start_byte, f.end_byte)] = f
        done = 0
        while done < len(missing) and (done == 0 or time.perf_counter() < deadline):
            run = self._next_run(contexts, missing, done)
            for ctx, items in self._query_run(run).items():
                self._cache[ctx] = items
                for f in items:
                    found[(f.rule_id, f.start_byte, f.end_byte)] = f
            done += len(run)
        if contexts:
            for f in self._whole_document_findings():
                found[(f.rule_id, f.start_byte, f.end_byte)] = f
        out = sorted(found.values(), key=lambda f: (f.start_byte, f.rule_id))
        if wanted is not None:
            starts = [s for s, _ in wanted]
            kept = []
            for f in out:
                i = bisect_right(starts, max(f.end_byte, f.start_byte + 1) - 1) - 1
                if i >= 0 and wanted[i][1] > f.start_byte:
                    kept.append(f)
            out = kept
        return self._finalize(out), len(missing) - done

    # The core checker may grow (the project-policy work does): rules whose context is the
    # whole document, and an engine step that applies the policy to findings. These three use
    # them when the checker has them and fall back to the plain behaviour otherwise, so the
    # editor applies exactly what ``scan`` and the gate apply.

    def _context_findings(self, byte_range: tuple[int, int]) -> list[Finding]:
        found = self.pack.findings(self.tree.root_node, byte_range, self.path)
        whole = getattr(self, "document_rules", None)
        return [f for f in found if f.rule_id not in whole] if whole else found

    def _whole_document_findings(self) -> list[Finding]:
        if getattr(self, "_document_pack", None) is None:
            return []
        if self._document_findings is None:  # reset by every edit (``_invalidate``)
            self._document_findings = self.document_findings()
        return self._document_findings

    def _finalize(self, findings: list[Finding]) -> list[Finding]:
        finalize = getattr(self.engine, "finalize", None)
        if finalize is not None:
            return finalize(findings, self.path, self.source)
        return self.engine.filter_paths(findings, self.path)

    def _next_run(self, contexts: list[tuple[int, int]], missing: list[int], at: int
                  ) -> list[tuple[int, int]]:
        """Uncached contexts from ``missing[at]`` on that sit next to each other and fit in one
        query of about :attr:`_batch` bytes (a cold document is a few big queries, not
        thousands of small ones, each with its own cursor)."""
        first = contexts[missing[at]]
        run = [first]
        j = at + 1
        while (j < len(missing) and missing[j] == missing[j - 1] + 1
               and contexts[missing[j]][1] - first[0] <= self._batch):
            run.append(contexts[missing[j]])
            j += 1
        return run

    def _query_run(self, run: list[tuple[int, int]]) -> dict[tuple[int, int], list[Finding]]:
        """One query over ``run``'s bytes, its findings handed to the context holding them
        (a match whose node starts outside every context goes to each context it overlaps,
        as a query per context would have returned it)."""
        t0 = time.perf_counter()
        items = self._context_findings((run[0][0], run[-1][1]))
        elapsed = time.perf_counter() - t0
        # Aim each query at about half a slice. A query's cost is a fixed part (tree-sitter
        # walks every top-level node, ~10 ms with 20,000 of them) plus a part per byte: grow
        # while well under, shrink when well over.
        if elapsed < SLICE_SECONDS / 2:
            self._batch = min(self._batch * 2, 4 << 20)
        elif elapsed > SLICE_SECONDS * 1.5:
            self._batch = max(self._batch // 2, 1024)
        self.runs += len(run)
        out: dict[tuple[int, int], list[Finding]] = {ctx: [] for ctx in run}
        starts = [ctx[0] for ctx in run]
        for f in items:
            i = bisect_right(starts, f.start_byte) - 1
            if i >= 0 and f.start_byte < run[i][1]:
                out[run[i]].append(f)
                continue
            for ctx in run:
                if f.start_byte < ctx[1] and ctx[0] < max(f.end_byte, f.start_byte + 1):
                    out[ctx].append(f)
        return out


# -- the feature ------------------------------------------------------------------------------


@dataclass
class _DocRules:
    checker: LiveChecker | None = None
    #: Edits since the checker's text (or the running job's); ``None``: diff the whole text.
    pending: list[ByteEdit] | None = None
    job: ParseJob | None = None
    task: asyncio.Task[None] | None = None
    #: The last results: ``(seq, spans, scope, complete, located)``.
    last: tuple | None = None
    #: Spans' byte ranges, cached per ``(index, spans)``.
    ranges: tuple | None = field(default=None, repr=False)

    def forget_tree(self) -> None:
        """Drop the syntax tree and the query cache (the memory), keep the last findings: they
        stay published and are carried through edits; the next check parses afresh."""
        old = self.checker
        if old is None or self.job is not None:
            return
        self.checker = LiveChecker(old.spec, old.engine, old.path)
        self.pending = None


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


class FastRules:
    """The ``fast`` live source of :class:`~tracemark.lsp.diagnostics.Diagnostics`."""

    def __init__(self, server: TracemarkServer) -> None:
        self.server = server
        self._compiling: dict[tuple[str, object], asyncio.Future[Engine]] = {}
        #: Documents holding a syntax tree, least recently checked first. A tree takes about 50
        #: times its text (1.5 MB for a 1,000-line Python file), so only ``liveTrees`` are kept:
        #: the others keep their findings and reparse (~15 ms for 1,000 lines, in slices) when
        #: next edited. Without this, 200 open files held 400 MB.
        self._trees: OrderedDict[int, _DocRules] = OrderedDict()
        #: Background catch-ups (opening many files at once) parse one document at a time, so
        #: that half-built trees do not pile up; the document being edited does not wait.
        self._background = asyncio.Semaphore(1)
        ev = server.events
        ev.opened.append(self.on_opened)
        ev.changed.append(self.on_changed)
        ev.closed.append(self.on_closed)
        diagnostics: Diagnostics = server.features["diagnostics"]
        self.diagnostics = diagnostics
        diagnostics.add_live("fast", self.source)

    # -- which engine, which language -------------------------------------------------------

    def engine(self) -> Engine:
        root = uri_to_path(self.server.root) if self.server.root else None
        return engine_for(root, self.server.settings.policy)

    def tell_policy_problem(self) -> None:
        """A broken policy file: one message (on the loop), the defaults keep checking."""
        root = uri_to_path(self.server.root) if self.server.root else None
        problem = policy_problem(root, self.server.settings.policy)
        if problem is not None:
            self.server.tell_once(f"policy:{problem}", problem)

    def language(self, od: OpenDocument) -> langs.LanguageSpec | None:
        spec = langs.for_language_id(od.language_id)
        if spec is None and od.path is not None:
            spec = langs.for_path(od.path)
        if spec is None and od.untitled and "." in od.uri.rsplit("/", 1)[-1]:
            spec = langs.for_path(od.uri.rsplit("/", 1)[-1])
        return spec

    # -- events -----------------------------------------------------------------------------

    def on_opened(self, od: OpenDocument) -> None:
        spec = self.language(od)
        if spec is None:
            return
        size = len(od.text)  # code points; bytes are at least as many
        if size > MAX_LIVE_BYTES:
            self.server.log_client(
                f"{od.uri}: {size / 1e6:.1f} MB is over the {MAX_LIVE_BYTES / 1e6:.0f} MB limit "
                "for live checks; the semgrep tier on save and `tracemark scan` still cover it",
                types.MessageType.Warning)
            return
        st = _DocRules()
        od.state["fast"] = st
        self.server.spawn(self._start(od, st, spec), f"fast rules for {od.uri}")

    def _prepare(self, language: str) -> Engine:
        """The project's engine with ``language`` compiled (loading rules files and compiling
        queries takes a second or more: done on a worker thread, once)."""
        engine = self.engine()
        if engine.rules.for_language(language):
            engine.pack(language)
        return engine

    async def _start(self, od: OpenDocument, st: _DocRules, spec: langs.LanguageSpec) -> None:
        """Load and compile the rules off the loop (once), then parse in slices."""
        root = uri_to_path(self.server.root) if self.server.root else None
        # A new or edited policy file gives documents opened after it a new engine.
        key = (spec.name, policy_key(root, self.server.settings.policy))
        fut = self._compiling.get(key)
        if fut is None:
            fut = asyncio.get_running_loop().run_in_executor(None, self._prepare, spec.name)
            self._compiling[key] = fut
        engine = await fut
        self.tell_policy_problem()
        if od.closed or od.state.get("fast") is not st:
            return
        if not engine.rules.for_language(spec.name):
            od.state.pop("fast", None)
            return
        path = str(od.path) if od.path is not None else None
        st.checker = LiveChecker(spec, engine, path)
        st.pending = None
        self._kick(od, st)

    def on_changed(self, od: OpenDocument, edits: list[TextEdit | None]) -> None:
        st: _DocRules | None = od.state.get("fast")
        if st is None or st.pending is None:
            return  # not checked, or a whole-text diff is due anyway
        if any(e is None for e in edits):
            st.pending = None
        else:
            st.pending.extend(ByteEdit.of(e) for e in edits if e is not None)

    def on_closed(self, od: OpenDocument) -> None:
        st: _DocRules | None = od.state.pop("fast", None)
        if st is None:
            return
        self._trees.pop(id(st), None)
        if st.task is not None:
            st.task.cancel()
        if st.job is not None and st.checker is not None:
            st.checker.abandon()

    # -- the live source --------------------------------------------------------------------

    def source(self, od: OpenDocument, scope: str) -> list[Located]:
        st: _DocRules | None = od.state.get("fast")
        if st is None:
            return []
        spans = od.doc.spans
        last = st.last
        if last is not None and last[0] == od.seq and last[1] is spans and last[2] == scope \
                and last[3]:
            return last[4]
        deadline = time.perf_counter() + SLICE_SECONDS
        located, complete = self._compute(od, st, scope, deadline)
        if not complete:
            self._kick(od, st)
        return located

    def _compute(self, od: OpenDocument, st: _DocRules, scope: str, deadline: float
                 ) -> tuple[list[Located], bool]:
        """This document's findings now (or carried forward when the tree is not ready)."""
        if not self._sync(od, st, deadline):
            return self._carried(od, st), False
        checker = st.checker
        assert checker is not None
        wanted = None if scope == "all" else self._wanted(od, st)
        if wanted is not None and not wanted:
            st.last = (od.seq, od.doc.spans, scope, True, [])
            return [], True
        findings, missing = checker.check_within(wanted, deadline)
        index = od.doc.index
        located = [locate(index, f) for f in findings]
        st.last = (od.seq, od.doc.spans, scope, missing == 0, located)
        return located, missing == 0

    def _wanted(self, od: OpenDocument, st: _DocRules) -> list[tuple[int, int]]:
        """The AI spans as merged UTF-8 byte ranges."""
        index, spans = od.doc.index, od.doc.spans
        cached = st.ranges
        if cached is not None and cached[0] is index and cached[1] is spans:
            return cached[2]
        out = _merge([(index.byte_offset(sp.start), index.byte_offset(sp.end))
                      for sp in spans if sp.origin.kind.is_ai and sp.end > sp.start])
        st.ranges = (index, spans, out)
        return out

    def _sync(self, od: OpenDocument, st: _DocRules, deadline: float) -> bool:
        """Bring the tree up to the document's text; ``False`` when time ran out first."""
        checker = st.checker
        if checker is None:
            return False
        while True:
            if st.job is None:
                if st.pending is not None and not st.pending:
                    return True
                source = _tree_bytes(od.text)
                st.job = checker.begin(st.pending, source)
                st.pending = []
            try:
                checker.step(st.job, deadline)
            except Halted:
                return False
            st.job = None
            self._keep_tree(st)

    def _keep_tree(self, st: _DocRules) -> None:
        """``st`` now holds a tree: most recently used; forget the least recently used trees
        past the ``liveTrees`` setting."""
        trees = self._trees
        trees[id(st)] = st
        trees.move_to_end(id(st))
        excess = len(trees) - self.server.settings.live_trees
        for key in list(trees)[:max(excess, 0)]:
            old = trees[key]
            if old.job is None:  # a parse under way finishes first
                old.forget_tree()
                del trees[key]

    def _carried(self, od: OpenDocument, st: _DocRules) -> list[Located]:
        """The last results carried through the edits made since (while the tree catches up)."""
        last = st.last
        if last is None:
            return []
        seq, located = last[0], last[4]
        if seq == od.seq:
            return located
        out = []
        for loc in located:
            moved = od.history.map_offsets(loc.start, loc.end, seq)
            if moved is None:
                continue
            fix = None
            if loc.fix is not None:
                fmoved = od.history.map_offsets(loc.fix[0], loc.fix[1], seq)
                fix = (*fmoved, loc.fix[2], loc.fix[3]) if fmoved is not None else None
            out.append(replace(loc, start=moved[0], end=moved[1], fix=fix))
        return out

    def _kick(self, od: OpenDocument, st: _DocRules) -> None:
        """Finish parsing and querying in the background, yielding between slices."""
        if st.task is None or st.task.done():
            st.task = self.server.spawn(self._catch_up(od, st), f"checking {od.uri}")

    async def _catch_up(self, od: OpenDocument, st: _DocRules) -> None:
        async with self._background:
            while True:
                await asyncio.sleep(0)
                if od.closed or od.state.get("fast") is not st or st.checker is None:
                    return  # no checker yet: ``_start`` kicks again once the rules are compiled
                deadline = time.perf_counter() + SLICE_SECONDS
                _, complete = self._compute(od, st, self.server.settings.scope, deadline)
                if complete:
                    break
        self.diagnostics.updated(od)


def register(server: TracemarkServer) -> FastRules:
    return FastRules(server)
