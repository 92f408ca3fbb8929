"""Which rules could match a file at all, from the text their queries require.

The commit hook runs the fast rules on the AI lines it attests. Compiling a language's rules into
one tree-sitter query costs ~2 ms per rule (about 90 ms for the Python pack) and a compiled query
cannot be kept between processes, so the hook compiles only the rules that *could* match one of
the staged files: most rules need a word that is rarely there (``hashlib`` for weak hashes,
``AKIA`` for AWS keys, ``execute`` for SQL built by formatting). Skipping a rule here never loses
a finding: the requirements are derived conservatively, from tree-sitter's own view of the query.

- A rule may match when one of its top-level patterns may match.
- A pattern's requirements come from its positive text predicates (``#eq?``, ``#any-eq?``,
  ``#any-of?``, ``#match?``, ``#any-match?``) whose capture every match of the pattern has
  (tree-sitter's capture quantifier *one* or *one or more*; a capture inside an alternation
  branch or an optional group may be absent, and a predicate on an absent capture holds).
- ``#eq?``/``#any-of?``: the captured node's text is one of the strings, so the file contains
  one of them. ``#match?``: the file contains every literal run the regular expression needs on
  every path through it (read with Python's own regex parser, which is what py-tree-sitter
  matches with); case-insensitive runs are compared on lower-cased ASCII files only (Unicode
  case folding makes ``K`` match the Kelvin sign), other files always pass them.
- Anything not understood (a predicate string that is not in the compiled query's string
  table, a regular expression Python cannot parse, a query tree-sitter refuses) adds no
  requirement: the rule is compiled, as before.

``tests/rules/test_prefilter.py`` checks the soundness on every rule fixture of the pack (the
rules a file is filtered down to find exactly what the whole pack finds).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from tracemark.rules.loader import RuleSet

#: One requirement: ``(alternatives, case_insensitive)``; the file must contain one of the
#: alternatives (UTF-8 bytes; lower-cased when case-insensitive).
Need = tuple[tuple[bytes, ...], bool]
#: A pattern may match only when all its needs are met.
PatternNeeds = tuple[Need, ...]

_POSITIVE_TEXT = frozenset({"eq?", "any-eq?", "any-of?", "match?", "any-match?"})
_MANDATORY = frozenset({"", "+"})  # tree-sitter's "one" and "one or more"
#: ``#has-ancestor? @c TYPE``: node types whose text always holds a keyword, in every grammar
#: tracemark loads (a Python ``except_clause`` starts with ``except``). A capture with such an
#: ancestor means the file holds the keyword. Listed by hand: grammars do not expose it.
_ANCESTOR_KEYWORDS = {"except_clause": "except"}


# -- reading predicates out of a query ---------------------------------------------------------


@dataclass
class _Predicate:
    offset: int  # byte offset of its "(" in the query
    name: str
    args: list[tuple[str, str]] = field(default_factory=list)  # ("capture"|"string"|"word", v)


def _string_at(src: bytes, i: int) -> tuple[str, int]:
    """A tree-sitter query string literal starting at ``src[i] == '"'``: ``(value, end)``.

    tree-sitter's escapes: ``\\n``, ``\\r``, ``\\t``, ``\\0``; a backslash before anything else
    stands for that character (so ``\\\\b`` in the query is ``\\b`` for the regex).
    """
    out = bytearray()
    i += 1
    while i < len(src):
        c = src[i]
        if c == 0x5C and i + 1 < len(src):  # backslash
            nxt = src[i + 1]
            out += {0x6E: b"\n", 0x72: b"\r", 0x74: b"\t", 0x30: b"\0"}.get(nxt, bytes([nxt]))
            i += 2
            continue
        if c == 0x22:  # closing quote
            return out.decode("utf-8", "replace"), i + 1
        out.append(c)
        i += 1
    raise ValueError("unterminated string in query")


def read_predicates(query: str) -> list[_Predicate]:
    """Every ``(#name args...)`` form of a query, skipping strings and ``;`` comments."""
    src = query.encode("utf-8")
    out: list[_Predicate] = []
    current: _Predicate | None = None
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == 0x22:  # a string
            value, i = _string_at(src, i)
            if current is not None:
                current.args.append(("string", value))
            continue
        if c == 0x3B:  # ; comment to the end of the line
            while i < n and src[i] != 0x0A:
                i += 1
            continue
        if c == 0x28:  # (
            j = i + 1
            while j < n and src[j] in b" \t\r\n":
                j += 1
            if j < n and src[j] == 0x23:  # (#name
                k = j + 1
                while k < n and src[k] not in b" \t\r\n()\";":
                    k += 1
                current = _Predicate(i, src[j + 1:k].decode("utf-8", "replace"))
                out.append(current)
                i = k
                continue
            i += 1
            continue
        if c == 0x29:  # )
            current = None
            i += 1
            continue
        if current is not None and c not in b" \t\r\n":
            k = i
            while k < n and src[k] not in b" \t\r\n()\";":
                k += 1
            token = src[i:k].decode("utf-8", "replace")
            current.args.append(("capture", token[1:]) if token.startswith("@")
                                else ("word", token))
            i = k
            continue
        i += 1
    return out


# -- literal text a regular expression needs ---------------------------------------------------


#: Cap on the strings an exact run may stand for (``(a|b)(c|d)`` is four).
_MAX_EXACT = 64


def _regex_needs(pattern: str) -> list[tuple[tuple[str, ...], bool]]:
    """Literal text every match of ``pattern`` contains: a list of needs, all required, each a
    set of options (one of which is in the match) and whether it is case-insensitive.

    Sequences of literals, character sets of literals, alternations and fixed repeats of those
    are followed as *exact* runs (``(str|repr)\\(`` needs ``str(`` or ``repr(``); zero-width
    assertions (anchors, ``\\b``, look-arounds) count as matching the empty string, which only
    ever lets more through; anything else ends the run.
    """
    try:
        from re import _constants as C  # Python 3.11+
        from re import _parser as P
    except ImportError:  # pragma: no cover  (older layouts)
        import sre_constants as C  # type: ignore[no-redef]
        import sre_parse as P  # type: ignore[no-redef]
    try:
        parsed = P.parse(pattern)
    except Exception:
        return []
    ci_all = bool(parsed.state.flags & re.IGNORECASE)
    repeats = {C.MAX_REPEAT, C.MIN_REPEAT}
    if hasattr(C, "POSSESSIVE_REPEAT"):
        repeats.add(C.POSSESSIVE_REPEAT)
    zero_width = {C.AT, C.ASSERT, C.ASSERT_NOT}

    def cross(a: set[str], b: set[str]) -> set[str] | None:
        if len(a) * len(b) > _MAX_EXACT:
            return None
        return {x + y for x in a for y in b}

    def exact(items) -> set[str] | None:
        """Every string the sequence can match, when that is a small finite set."""
        out = {""}
        for op, av in items:
            if op is C.LITERAL:
                got = {chr(av)}
            elif op in zero_width:
                got = {""}
            elif op is C.IN and av and all(o is C.LITERAL for o, _ in av):
                got = {chr(v) for _, v in av}
            elif op is C.SUBPATTERN:
                got = exact(av[3])
            elif op is C.BRANCH:
                got = set()
                for branch in av[1]:
                    sub = exact(branch)
                    if sub is None:
                        return None
                    got |= sub
            elif op in repeats and av[0] == av[1] and av[0] <= 4:
                sub = exact(av[2])
                got = {""} if sub is not None else None
                for _ in range(av[0]):
                    got = None if got is None or sub is None else cross(got, sub)
            elif op in repeats and av[0] == 0 and av[1] == 1:  # x?
                sub = exact(av[2])
                got = None if sub is None else sub | {""}
            else:
                return None
            if got is None:
                return None
            out = cross(out, got)
            if out is None:
                return None
        return out

    def strength(need: tuple[tuple[str, ...], bool]) -> int:
        return min(len(a) for a in need[0])

    def walk(items, ci: bool) -> list[tuple[tuple[str, ...], bool]]:
        needs: list[tuple[tuple[str, ...], bool]] = []
        run: set[str] = {""}

        def flush() -> None:
            nonlocal run
            if run != {""}:
                needs.append((tuple(sorted(run)), ci))
            run = {""}

        for item in items:
            op, av = item
            whole = exact([item])
            if whole is not None:
                joined = cross(run, whole)
                if joined is None:
                    flush()
                    joined = whole
                run = joined
                continue
            flush()
            if op is C.SUBPATTERN:
                _group, add_flags, _del_flags, sub = av
                needs += walk(sub, ci or bool(add_flags & re.IGNORECASE))
            elif getattr(C, "ATOMIC_GROUP", None) is op:
                needs += walk(av, ci)
            elif op in repeats:
                low, _high, sub = av
                if low >= 1:
                    needs += walk(sub, ci)
            elif op is C.BRANCH:
                options: list[str] = []
                any_ci = False
                for branch in av[1]:
                    got = walk(branch, ci)
                    if not got:
                        options = []
                        break
                    best = max(got, key=strength)
                    options.extend(best[0])
                    any_ci = any_ci or best[1]
                if options:
                    needs.append((tuple(options), any_ci))
            # IN, ANY, NOT_LITERAL, GROUPREF...: no text known (ignoring it lets more through).
        flush()
        return needs

    return walk(parsed, ci_all)


def _as_need(options: Iterable[str], ci: bool) -> Need | None:
    opts = tuple(dict.fromkeys(options))
    if not opts or any(not o for o in opts):
        return None  # an empty alternative is always present
    if ci:
        if not all(o.isascii() for o in opts):
            return None  # Unicode case folding: not decidable on lower-cased bytes
        return tuple(o.lower().encode() for o in opts), True
    return tuple(o.encode("utf-8") for o in opts), False


# -- per rule ------------------------------------------------------------------------------------


def query_needs(query: str, language) -> tuple[PatternNeeds, ...] | None:
    """What each top-level pattern of ``query`` needs in a file; ``None``: may always match.

    ``language`` is a ``tree_sitter.Language``: the query is compiled once here (when the hook's
    rule catalogue is built, not at every commit) to learn its patterns and capture quantifiers.
    """
    from tree_sitter import Query

    try:
        q = Query(language, query)
    except Exception:
        return None  # the engine reports a broken query; nothing to learn here
    captures = {q.capture_name(i): i for i in range(q.capture_count)}
    try:
        preds = read_predicates(query)
    except ValueError:
        return None
    bounds = [(q.start_byte_for_pattern(p), q.end_byte_for_pattern(p))
              for p in range(q.pattern_count)]
    patterns: list[PatternNeeds] = []
    for p, (start, end) in enumerate(bounds):
        needs: list[Need] = []
        for pred in preds:
            if not start <= pred.offset < end:
                continue
            if pred.name == "has-ancestor?" and len(pred.args) == 2:
                keyword = _ANCESTOR_KEYWORDS.get(pred.args[1][1])
                cap = captures.get(pred.args[0][1]) if pred.args[0][0] == "capture" else None
                if keyword and cap is not None and _mandatory(q, p, cap):
                    needs.append(((keyword.encode(),), False))
                continue
            if pred.name not in _POSITIVE_TEXT:
                continue
            if len(pred.args) < 2 or pred.args[0][0] != "capture":
                continue
            cap = captures.get(pred.args[0][1])
            if cap is None:
                continue
            if not _mandatory(q, p, cap):
                continue
            values = pred.args[1:]
            if any(kind != "string" for kind, _ in values):
                continue  # a capture-to-capture comparison
            if pred.name in ("match?", "any-match?"):
                for options, ci in _regex_needs(values[0][1]):
                    need = _as_need(options, ci)
                    if need is not None:
                        needs.append(need)
            else:
                need = _as_need((v for _, v in values), False)
                if need is not None:
                    needs.append(need)
        if not needs:
            return None  # this pattern may match anything: so may the rule
        patterns.append(tuple(needs))
    return tuple(patterns) if patterns else None


def _mandatory(q, pattern: int, capture: int) -> bool:
    """Whether every match of ``pattern`` has ``capture`` (quantifier one or one-or-more)."""
    try:
        return q.capture_quantifier(pattern, capture) in _MANDATORY
    except SystemError:  # "zero": the capture is not in this pattern
        return False


def _met(need: Need, data: bytes, lower: bytes | None) -> bool:
    options, ci = need
    if ci:
        if lower is None:
            return True
        return any(o in lower for o in options)
    return any(o in data for o in options)


def may_match(needs: tuple[PatternNeeds, ...] | None, data: bytes,
              lower: bytes | None = None) -> bool:
    """Whether a rule with these needs could match somewhere in ``data`` (a whole file).

    ``lower`` is ``data.lower()`` when ``data`` is ASCII (else ``None``); pass it when calling
    for many rules.
    """
    if needs is None:
        return True
    return any(all(_met(n, data, lower) for n in pattern) for pattern in needs)


def lowered(data: bytes) -> bytes | None:
    return data.lower() if data.isascii() else None


#: Bumped when what :func:`query_needs` derives changes, so cached catalogues are rebuilt.
_FORMAT = 2


@dataclass
class RuleCatalog:
    """The rule set as the commit hook needs it before deciding to load it: ids, languages,
    what each rule needs per language; pydantic-free, so it unpickles in a millisecond."""

    ids: list[str]
    by_language: dict[str, list[str]]
    needs: dict[tuple[str, str], tuple[PatternNeeds, ...] | None]

    def __len__(self) -> int:
        return len(self.ids)

    def to_bytes(self) -> bytes:
        """Plain values for ``marshal`` (reads back in a millisecond, imports nothing)."""
        import marshal

        return marshal.dumps((_FORMAT, self.ids, self.by_language,
                              [(k, v) for k, v in self.needs.items()]))

    @classmethod
    def from_bytes(cls, data: bytes | None) -> RuleCatalog | None:
        """The catalogue :meth:`to_bytes` wrote, or ``None`` (missing, other format)."""
        import marshal

        if not data:
            return None
        try:
            version, ids, by_language, needs = marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None
        if version != _FORMAT:
            return None  # written by another prefilter: rebuilt from the rules
        return cls(list(ids), dict(by_language), dict(needs))

    def candidates(self, language: str, data: bytes, lower: bytes | None = None) -> list[str]:
        """Ids of the rules of ``language`` that could match somewhere in ``data``."""
        if lower is None:
            lower = lowered(data)
        seen: dict[Need, bool] = {}  # rules share needs ("hashlib", "subprocess", ...)

        def met(need: Need) -> bool:
            got = seen.get(need)
            if got is None:
                got = seen[need] = _met(need, data, lower)
            return got

        out = []
        for rid in self.by_language.get(language, []):
            needs = self.needs.get((rid, language))
            if needs is None or any(all(met(n) for n in pattern) for pattern in needs):
                out.append(rid)
        return out


def build_catalog(rules: RuleSet) -> RuleCatalog:
    """Compile each rule alone for each of its languages and record what it needs."""
    from tracemark.rules import languages as langs

    by_language: dict[str, list[str]] = {}
    needs: dict[tuple[str, str], tuple[PatternNeeds, ...] | None] = {}
    for rule in rules:
        for lang in rule.languages:
            by_language.setdefault(lang, []).append(rule.id)
            try:
                language = langs.get(lang).language()
            except Exception:  # a language this install cannot load: always a candidate
                needs[(rule.id, lang)] = None
                continue
            needs[(rule.id, lang)] = query_needs(rule.query, language)
    return RuleCatalog([r.id for r in rules], by_language, needs)
