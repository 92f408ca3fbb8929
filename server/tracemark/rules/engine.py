"""The fast engine: tree-sitter queries over whole files, or incrementally over AI spans.

* All rules of a language are compiled into **one** query (compiled once per language and
  cached), so checking a span is one cursor pass, not one per rule.
* :class:`DocumentChecker` keeps one tree per open document and edits it in place
  (``Tree.edit`` then a reparse with the old tree). ``check(byte_ranges)`` widens each range to
  the function or top-level statement around it, runs the query restricted to that context
  (``QueryCursor.set_byte_range``) and caches the result per context; an edit drops only the
  contexts it touched (and ``Tree.changed_ranges``), and shifts the ones after it.
* Grammars load on first use of a language; importing this module loads none.

The core never imports pygls: the language server converts LSP edits to the byte/point edits
taken here.
"""

from __future__ import annotations

import os
import re
import threading
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracemark.model import Finding, Point
from tracemark.rules import languages as langs
from tracemark.rules.fixes import build_fix
from tracemark.rules.loader import RuleError, RuleSet, default_rules
from tracemark.rules.predicates import (
    BUILTIN,
    Args,
    PredicateContext,
    evaluate,
    unknown_predicates,
)
from tracemark.rules.prefilter import read_predicates
from tracemark.rules.schema import Rule
from tracemark.rules.settings import DEFAULT, RuleSettings, SettingsFor

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Node, Query, Tree

_ROW_COL = re.compile(r"row (\d+), column (\d+)")


@dataclass
class CompiledPack:
    """All the rules of one language as one tree-sitter query."""

    spec: langs.LanguageSpec
    query: Query | None
    #: The rule of each pattern index of ``query``.
    pattern_rules: list[Rule]
    contexts: dict[str, PredicateContext]
    errors: list[RuleError]
    #: tracemark's own predicates (``#has-ancestor?``, ``#entropy?``, ...) of each pattern
    #: index, as ``(name, args)`` in py-tree-sitter's argument form.
    custom: dict[int, list[tuple[str, Args]]] = field(default_factory=dict)

    @property
    def rules(self) -> list[Rule]:
        seen: dict[str, Rule] = {}
        for r in self.pattern_rules:
            seen.setdefault(r.id, r)
        return list(seen.values())

    def matches(self, root: Node, byte_range: tuple[int, int] | None = None
                ) -> list[tuple[Rule, dict[str, list[Node]]]]:
        """``(rule, captures)`` for every match under ``root`` (within ``byte_range``)."""
        if self.query is None:
            return []
        from tree_sitter import QueryCursor

        cursor = QueryCursor(self.query)
        if byte_range is not None:
            cursor.set_byte_range(*byte_range)
        # Our predicates are checked here, on the matches py-tree-sitter returns (it leaves
        # predicates it does not know to the caller), rather than through its ``predicate=``
        # callback: in py-tree-sitter 0.26.1 every call of that callback leaks the capture lists
        # it is given (tree-sitter/py-tree-sitter#467, fixed upstream in #471 but unreleased),
        # and each leaked node keeps its whole syntax tree alive: the language server grew by a
        # tree (~1.5 MB per 1,000 lines) at every check.
        out = []
        for i, caps in cursor.matches(root):
            rule = self.pattern_rules[i]
            preds = self.custom.get(i)
            if preds:
                ctx = self.contexts[rule.id]
                if not all(evaluate(name, args, caps, ctx) for name, args in preds):
                    continue
            out.append((rule, caps))
        return out

    def with_parameters(self, parameters: dict[str, dict[str, Any]]) -> CompiledPack:
        """The same compiled query with other parameter values (a policy scope's)."""
        contexts = {rid: PredicateContext(rule=ctx.rule,
                                          params=ctx.rule.parameter_values(parameters.get(rid)))
                    for rid, ctx in self.contexts.items()}
        return CompiledPack(self.spec, self.query, self.pattern_rules, contexts, self.errors,
                            self.custom)

    def findings(self, root: Node, byte_range: tuple[int, int] | None = None,
                 path: str | None = None) -> list[Finding]:
        out: dict[tuple[str, int, int], Finding] = {}
        for rule, caps in self.matches(root, byte_range):
            node = _finding_node(caps)
            if node is None:
                continue
            key = (rule.id, node.start_byte, node.end_byte)
            if key in out:
                continue
            out[key] = make_finding(rule, node, caps, path)
        return sorted(out.values(), key=lambda f: (f.start_byte, f.rule_id))


def _finding_node(caps: dict[str, list[Node]]) -> Node | None:
    nodes = caps.get("finding")
    if nodes:
        return nodes[0]
    every = [n for ns in caps.values() for n in ns]
    if not every:
        return None
    return max(every, key=lambda n: n.end_byte - n.start_byte)


def make_finding(rule: Rule, node: Node, caps: dict[str, list[Node]], path: str | None
                 ) -> Finding:
    fix = build_fix(rule.fix, caps) if rule.fix is not None else None
    return Finding(
        rule_id=rule.id,
        message=rule.message.strip(),
        severity=rule.severity,
        cwe=list(rule.cwe),
        confidence=rule.confidence.value,
        engine="fast",
        path=path,
        start_byte=node.start_byte,
        end_byte=node.end_byte,
        start=Point(line=node.start_point[0], byte_col=node.start_point[1]),
        end=Point(line=node.end_point[0], byte_col=node.end_point[1]),
        fix=fix,
    )


def _query_error(rule: Rule, err: Exception) -> RuleError:
    msg = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    m = _ROW_COL.search(msg)
    line = rule.query_line + (int(m.group(1)) if m else 0)
    return RuleError(rule.source_path, line, f"query: {msg}", rule.id)


def compile_pack(spec: langs.LanguageSpec, rules: Sequence[Rule],
                 parameters: dict[str, dict[str, Any]] | None = None) -> CompiledPack:
    """Compile ``rules`` for one language; broken ones become ``RuleError``s, others load."""
    from tree_sitter import Query

    language = spec.language()
    errors: list[RuleError] = []
    contexts: dict[str, PredicateContext] = {}
    good: list[Rule] = []
    for rule in rules:
        bad = unknown_predicates(rule.query)
        if bad:
            offset, name = bad[0]
            errors.append(RuleError(rule.source_path, rule.query_line + offset,
                                    f"query: unknown predicate #{name}", rule.id))
            continue
        try:
            params = rule.parameter_values((parameters or {}).get(rule.id))
        except ValueError as err:
            errors.append(RuleError(rule.source_path, rule.source_line, str(err), rule.id))
            continue
        contexts[rule.id] = PredicateContext(rule=rule, params=params)
        good.append(rule)

    def combine(rs: Sequence[Rule]) -> tuple[str, list[tuple[int, int, Rule]]]:
        parts, spans, pos = [], [], 0
        for r in rs:
            text = r.query.rstrip() + "\n"
            size = len(text.encode("utf-8"))
            parts.append(text)
            spans.append((pos, pos + size, r))
            pos += size
        return "".join(parts), spans

    source, spans = combine(good)
    query = None
    try:
        query = Query(language, source) if good else None
    except Exception:  # one of them is broken: find which, keep the rest
        ok = []
        for r in good:
            try:
                Query(language, r.query)
                ok.append(r)
            except Exception as err:
                errors.append(_query_error(r, err))
        good = ok
        source, spans = combine(good)
        query = Query(language, source) if good else None
    pattern_rules: list[Rule] = []
    custom: dict[int, list[tuple[str, Args]]] = {}
    if query is not None:
        for i in range(query.pattern_count):
            start = query.start_byte_for_pattern(i)
            pattern_rules.append(next(r for s, e, r in spans if s <= start < e))
        custom = custom_predicates(query, source)
    return CompiledPack(spec, query, pattern_rules, contexts, errors, custom)


def custom_predicates(query: Query, source: str) -> dict[int, list[tuple[str, Args]]]:
    """The predicates py-tree-sitter does not evaluate itself, per pattern index of ``query``
    (compiled from ``source``), with their arguments as py-tree-sitter would pass them
    (captures without ``@``; strings and bare words both as ``"string"``)."""
    bounds = [(query.start_byte_for_pattern(i), query.end_byte_for_pattern(i))
              for i in range(query.pattern_count)]
    starts = [b[0] for b in bounds]
    out: dict[int, list[tuple[str, Args]]] = {}
    for pred in read_predicates(source):
        if pred.name in BUILTIN:
            continue
        i = bisect_right(starts, pred.offset) - 1
        if i < 0 or not bounds[i][0] <= pred.offset < bounds[i][1]:
            continue  # outside every pattern: tree-sitter would have refused the query
        args = [(v, "capture" if kind == "capture" else "string") for kind, v in pred.args]
        out.setdefault(i, []).append((pred.name, args))
    return out


class Engine:
    """A rule set, compiled lazily per language; shared by every document and scan.

    ``settings`` (a function ``path -> RuleSettings``, built from the project policy by
    :func:`tracemark.rules.project.engine_for_project`) turns rules off, overrides severities
    and sets parameter values per file; without it every rule runs with its defaults.
    """

    def __init__(self, rules: RuleSet | None = None,
                 parameters: dict[str, dict[str, Any]] | None = None, *,
                 settings: SettingsFor | None = None) -> None:
        self.rules = rules if rules is not None else default_rules()
        self.parameters = parameters or {}
        self.settings = settings
        self._packs: dict[str, CompiledPack] = {}
        self._variants: dict[tuple[str, str | None, str], CompiledPack] = {}
        self._lock = threading.Lock()

    def pack(self, language: str, context: str | None = None) -> CompiledPack:
        """The compiled rules of a language (``context="document"``: whole-document rules only)."""
        key = language if context is None else f"{language}#{context}"
        pack = self._packs.get(key)
        if pack is None:
            with self._lock:
                pack = self._packs.get(key)
                if pack is None:
                    spec = langs.get(language)
                    rules = self.rules.for_language(language)
                    if context is not None:
                        rules = [r for r in rules if r.context == context]
                    pack = compile_pack(spec, rules, self.parameters)
                    self._packs[key] = pack
        return pack

    def settings_for(self, path: str | None) -> RuleSettings:
        """The policy's decisions for ``path`` (defaults without a policy)."""
        return self.settings(path) if self.settings is not None else DEFAULT

    def parameters_for(self, path: str | None) -> dict[str, dict[str, Any]]:
        """Parameter values per rule id for ``path``: the engine's, then the policy's."""
        s = self.settings_for(path)
        if not s.parameters:
            return self.parameters
        merged = {rid: dict(v) for rid, v in self.parameters.items()}
        for rid, values in s.parameters.items():
            merged.setdefault(rid, {}).update(values)
        return merged

    def pack_for(self, language: str, path: str | None, context: str | None = None
                 ) -> CompiledPack:
        """:meth:`pack` with the parameter values the policy sets for ``path``."""
        base = self.pack(language, context)
        s = self.settings_for(path)
        if not s.parameters:
            return base
        key = (language, context, s.parameters_key())
        pack = self._variants.get(key)
        if pack is None:
            pack = base.with_parameters(self.parameters_for(path))
            self._variants[key] = pack
        return pack

    def finalize(self, findings: list[Finding], path: str | None,
                 source: bytes | str | None = None) -> list[Finding]:
        """Apply rule ``paths``/dialects and the policy (off rules, severities) to findings."""
        return self.settings_for(path).apply(self.filter_paths(findings, path, source))

    def compile_all(self) -> list[RuleError]:
        """Compile every language the rules mention; all errors (load and query)."""
        for lang in sorted(self.rules.languages()):
            self.pack(lang)
        return self.errors

    @property
    def errors(self) -> list[RuleError]:
        out = list(self.rules.errors)
        for pack in self._packs.values():
            out.extend(e for e in pack.errors if e not in out)
        return out

    def scan_source(self, language: str, source: bytes, path: str | None = None
                    ) -> list[Finding]:
        """Every finding in a whole document."""
        from tree_sitter import Parser

        spec = langs.get(language)
        tree = Parser(spec.language()).parse(source)
        found = self.pack_for(language, path).findings(tree.root_node, None, path)
        return self.settings_for(path).apply(found) if self.settings is not None else found

    def scan_file(self, path: str | os.PathLike[str], text: str | bytes | None = None,
                  language: str | None = None) -> list[Finding]:
        """Every finding in a file (read from disk unless ``text`` is given)."""
        spec = langs.get(language) if language else langs.for_path(path)
        if spec is None or not self.rules.for_language(spec.name):
            return []
        if text is None:
            source = Path(path).read_bytes()
        elif isinstance(text, str):
            source = text.encode("utf-8", "surrogatepass")
        else:
            source = text
        found = self.scan_source(spec.name, source, os.fspath(path))
        return self.filter_paths(found, os.fspath(path), source)

    def filter_paths(self, findings: list[Finding], path: str | None,
                     source: bytes | str | None = None) -> list[Finding]:
        """Drop findings of rules whose ``paths:``, dialect or languages do not cover this file.

        A dialect's content test (``apiVersion``/``kind`` for Kubernetes) needs ``source``;
        without it only paths are checked.
        """
        if path is None and source is None:
            return findings
        out = []
        verdict: dict[str, bool] = {}
        spec = langs.for_path(path) if path is not None else None
        for f in findings:
            rule = self.rules.get(f.rule_id)
            if rule is None:
                out.append(f)
                continue
            ok = verdict.get(rule.id)
            if ok is None:
                # A generic-mode semgrep rule run without its paths (on a buffer copy) must
                # not report in a file of another language.
                ok = verdict[rule.id] = (spec is None or spec.name in rule.languages) \
                    and rule.applies_to(path, source)
            if ok:
                out.append(f)
        return out

    def checker(self, language: str, source: bytes, path: str | None = None
                ) -> DocumentChecker:
        return DocumentChecker(language, source, engine=self, path=path)


@cache
def default_engine() -> Engine:
    """The packaged rules, compiled on demand; one per process."""
    return Engine()


def scan_file(path: str | os.PathLike[str], text: str | bytes | None = None) -> list[Finding]:
    """Whole-file scan with the packaged rules (the CLI's fast tier)."""
    return default_engine().scan_file(path, text)


# -- incremental checking ---------------------------------------------------------------------

PointT = tuple[int, int]


class DocumentChecker:
    """One open document: its tree, edited incrementally, and findings cached per context.

    The language server creates one per open document, calls :meth:`edit` for each change
    (UTF-8 byte offsets and tree-sitter points) and :meth:`check` with the byte ranges of the
    AI spans. Not thread-safe: one document is one task.
    """

    def __init__(self, language: str | langs.LanguageSpec, source: bytes, *,
                 engine: Engine | None = None, path: str | None = None) -> None:
        from tree_sitter import Parser

        self.spec = language if isinstance(language, langs.LanguageSpec) else langs.get(language)
        self.engine = engine or default_engine()
        self.path = path
        self.pack = self.engine.pack_for(self.spec.name, path)
        #: Rules whose context is the whole document, run over the whole tree after each edit.
        self.document_rules = {r.id for r in self.pack.rules if r.context == "document"}
        self._document_pack = (self.engine.pack_for(self.spec.name, path, "document")
                               if self.document_rules else None)
        self._document_findings: list[Finding] | None = None
        self._parser = Parser(self.spec.language())
        self.source = source
        self.tree: Tree = self._parser.parse(source)
        self._cache: dict[tuple[int, int], list[Finding]] = {}
        #: Context runs since creation (cache misses): what tests and benchmarks look at.
        self.runs = 0

    @property
    def has_errors(self) -> bool:
        """The tree has syntax errors (half-typed code); matching still runs on the rest."""
        return self.tree.root_node.has_error

    # -- edits ------------------------------------------------------------------------------

    def edit(self, start_byte: int, old_end_byte: int, new_end_byte: int,
             start_point: PointT, old_end_point: PointT, new_end_point: PointT,
             new_source: bytes) -> list[tuple[int, int]]:
        """Apply one edit; returns the byte ranges (new text) whose syntax changed."""
        old = self.tree
        old.edit(start_byte=start_byte, old_end_byte=old_end_byte, new_end_byte=new_end_byte,
                 start_point=tuple(start_point), old_end_point=tuple(old_end_point),
                 new_end_point=tuple(new_end_point))
        new = self._parser.parse(new_source, old)
        changed = [(r.start_byte, r.end_byte) for r in old.changed_ranges(new)]
        changed.append((start_byte, new_end_byte))
        self._invalidate(start_byte, old_end_byte, new_end_byte, tuple(old_end_point),
                         tuple(new_end_point), changed)
        self.tree = new
        self.source = new_source
        return changed

    def update(self, new_source: bytes) -> list[tuple[int, int]]:
        """Replace the whole text (full-sync clients): the edit is the differing middle."""
        old = self.source
        if new_source == old:
            return []
        n = min(len(old), len(new_source))
        pre = 0
        while pre < n and old[pre] == new_source[pre]:
            pre += 1
        suf = 0
        while suf < n - pre and old[-1 - suf] == new_source[-1 - suf]:
            suf += 1
        old_end, new_end = len(old) - suf, len(new_source) - suf
        return self.edit(pre, old_end, new_end, _point(old, pre), _point(old, old_end),
                         _point(new_source, new_end), new_source)

    def _invalidate(self, start: int, old_end: int, new_end: int, old_end_pt: PointT,
                    new_end_pt: PointT, changed: list[tuple[int, int]]) -> None:
        delta = new_end - old_end
        self._document_findings = None  # any edit may change a whole-document verdict
        kept: dict[tuple[int, int], list[Finding]] = {}
        for (s, e), found in self._cache.items():
            if e < start:
                if not _touches((s, e), changed):
                    kept[(s, e)] = found
            elif s > old_end:
                ns, ne = s + delta, e + delta
                if not _touches((ns, ne), changed):
                    kept[(ns, ne)] = [_shift(f, delta, old_end_pt, new_end_pt) for f in found]
        self._cache = kept

    # -- checks -----------------------------------------------------------------------------

    def context_range(self, start: int, end: int) -> tuple[int, int] | None:
        """The bytes a rule needs to judge ``[start, end)``: function or top-level statement."""
        src = self.source
        end = min(end, len(src))
        while start < end and src[start] in b" \t\r\n":
            start += 1
        while end > start and src[end - 1] in b" \t\r\n":
            end -= 1
        if start >= end:
            return None
        root = self.tree.root_node
        first = self.spec.context_node(_leaf(root, start))
        last = self.spec.context_node(_leaf(root, end - 1))
        return min(first.start_byte, last.start_byte), max(first.end_byte, last.end_byte)

    def document_findings(self) -> list[Finding]:
        """The whole-document rules over the whole tree (none whose dialect or paths do not
        cover this document: a Kubernetes manifest does not pay for the workflow rules)."""
        pack = self._document_pack
        if pack is None or not any(r.applies_to(self.path, self.source) for r in pack.rules):
            return []
        self.runs += 1
        return pack.findings(self.tree.root_node, None, self.path)

    def check(self, byte_ranges: Iterable[tuple[int, int]] | None = None) -> list[Finding]:
        """Findings that overlap ``byte_ranges`` (all findings when ``None``)."""
        if byte_ranges is None:
            wanted = [(0, len(self.source))]
        else:
            wanted = sorted((s, e) for s, e in byte_ranges if e > s)
        contexts: list[tuple[int, int]] = []
        for s, e in wanted:
            ctx = self.context_range(s, e)
            if ctx is not None:
                contexts.append(ctx)
        out: dict[tuple[str, int, int], Finding] = {}
        batches: list[list[Finding]] = []
        for ctx in _merge(contexts):
            found = self._cache.get(ctx)
            if found is None:
                found = [f for f in self.pack.findings(self.tree.root_node, ctx, self.path)
                         if f.rule_id not in self.document_rules]
                self._cache[ctx] = found
                self.runs += 1
            batches.append(found)
        if self._document_pack is not None and contexts:
            if self._document_findings is None:
                self._document_findings = self.document_findings()
            batches.append(self._document_findings)
        for found in batches:
            for f in self.engine.finalize(found, self.path, self.source):
                if any(f.start_byte < e and s < max(f.end_byte, f.start_byte + 1)
                       for s, e in wanted):
                    out[(f.rule_id, f.start_byte, f.end_byte)] = f
        return sorted(out.values(), key=lambda f: (f.start_byte, f.rule_id))


def _leaf(root: Node, byte: int) -> Node:
    node = root.descendant_for_byte_range(byte, byte + 1) or root
    return node


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(ranges):
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _touches(r: tuple[int, int], changed: list[tuple[int, int]]) -> bool:
    s, e = r
    return any(cs <= e and s <= ce for cs, ce in changed)


def _point(source: bytes, byte: int) -> PointT:
    row = source.count(b"\n", 0, byte)
    line_start = source.rfind(b"\n", 0, byte) + 1
    return row, byte - line_start


def _shift_point(p: Point, old_end: PointT, new_end: PointT) -> Point:
    if p.line == old_end[0]:
        return Point(line=new_end[0], byte_col=p.byte_col - old_end[1] + new_end[1])
    return Point(line=p.line + new_end[0] - old_end[0], byte_col=p.byte_col)


def _shift(f: Finding, delta: int, old_end: PointT, new_end: PointT) -> Finding:
    update: dict[str, Any] = {
        "start_byte": f.start_byte + delta,
        "end_byte": f.end_byte + delta,
        "start": _shift_point(f.start, old_end, new_end),
        "end": _shift_point(f.end, old_end, new_end),
    }
    if f.fix is not None:
        update["fix"] = f.fix.model_copy(update={"start_byte": f.fix.start_byte + delta,
                                                 "end_byte": f.fix.end_byte + delta})
    return f.model_copy(update=update)
