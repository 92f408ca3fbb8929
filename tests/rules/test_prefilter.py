"""Issue 11 (commit hook speed, issue 7's 150 ms target): the rule prefilter is sound.

The commit hook compiles only the rules whose required text is in the staged files
(``tracemark.rules.prefilter``). Soundness is the whole point: a rule left out must be one that
cannot match. Checked here on every fixture of the pack (and variants of them), against the
engine with all rules, plus the corner cases of the derivation itself (optional captures,
escapes, regular expressions, Unicode case folding).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import tree_sitter_python
from tree_sitter import Language, Parser, Query, QueryCursor

from tracemark.rules import languages as langs
from tracemark.rules.engine import Engine
from tracemark.rules.loader import RuleSet
from tracemark.rules.prefilter import build_catalog, lowered, may_match, query_needs

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from _corpus import python_source  # noqa: E402

PY = Language(tree_sitter_python.language())


@pytest.fixture(scope="session")
def catalog(pack: RuleSet):
    return build_catalog(pack)


def _found(engine: Engine, language: str, data: bytes) -> set[tuple[str, int, int]]:
    return {(f.rule_id, f.start_byte, f.end_byte) for f in engine.scan_source(language, data)}


def _variants(data: bytes) -> list[bytes]:
    """The file, upper- and lower-cased, and with a non-ASCII character (no ASCII folding)."""
    return [data, data.upper(), data.lower(), "# é ſ K\n".encode() + data]


def test_the_prefilter_never_drops_a_rule_that_matches_a_fixture(pack: RuleSet, pack_engine,
                                                                 pack_fixtures, catalog):
    """Every fixture of the pack, and variants: the rules the prefilter keeps for the file find
    exactly what the whole pack finds (so a skipped rule had nothing to find)."""
    checked = 0
    for files in pack_fixtures.values():
        for path in files:
            spec = langs.for_path(path)
            if spec is None or not pack.for_language(spec.name):
                continue
            for data in _variants(path.read_bytes()):
                keep = set(catalog.candidates(spec.name, data))
                small = Engine(RuleSet([r for r in pack if r.id in keep]))
                full = _found(pack_engine, spec.name, data)
                assert _found(small, spec.name, data) == full, (path, sorted(
                    {f[0] for f in full} - keep))
                checked += 1
    assert checked >= 3 * len(pack)


def test_every_rule_compiles_on_its_own(pack: RuleSet):
    """The hook compiles subsets of a language's rules, so a rule must not lean on another:
    tree-sitter capture names are shared across one query, and a predicate naming a capture
    before the pattern declares it only compiles when an earlier rule declared it."""
    broken = []
    for rule in pack:
        for lang in rule.languages:
            try:
                Query(langs.get(lang).language(), rule.query)
            except Exception as err:
                broken.append(f"{rule.id} ({lang}): {err}")
    assert not broken


def test_the_prefilter_leaves_out_most_rules_for_ordinary_code(pack: RuleSet, catalog):
    """Not vacuous: ordinary code keeps a few rules, code without sinks none at all."""
    text, _ = python_source(1000)
    kept = catalog.candidates("python", text.encode())
    assert 0 < len(kept) < len(pack.for_language("python")) / 3
    assert "py-subprocess-shell" in kept  # the corpus calls subprocess.run(..., shell=True)
    plain = b"def total(items):\n    return sum(i.price for i in items)\n"
    assert catalog.candidates("python", plain) == []


def test_an_except_clause_ancestor_needs_the_except_keyword(catalog):
    """``#has-ancestor? @c except_clause``: a Python except clause starts with ``except``, so
    a rule reporting only inside one is left out of files without that word. Ordinary code
    with quotes, commas and braces (what the exception-details rule's regexes also accept)
    keeps no rule; the same code with an except clause that returns ``str(e)`` keeps it."""
    q = ('((return_statement (_) @v) @finding (#match? @v "str") '
         '(#has-ancestor? @finding except_clause))')
    assert query_needs(q, PY) == ((((b"str",), False), ((b"except",), False)),)
    plain = (b"def ai_0(items):\n    out = {}  # module, see 'docs'\n    for item in items:\n"
             b"        out[item] = item * 2\n    return sorted(out)\n")
    assert catalog.candidates("python", plain) == []
    leaky = plain + b"try:\n    f()\nexcept Exception as e:\n    return {'error': str(e)}, 500\n"
    assert "py-error-details-to-client" in catalog.candidates("python", leaky)


def test_a_capture_that_may_be_absent_adds_no_requirement():
    """A predicate on a capture in one branch of an alternation, or under ``?``/``*``, holds
    when the capture is absent (tree-sitter's rule), so it cannot be required."""
    q = ('(call function: [(identifier) @a (attribute attribute: (identifier) @b)] '
         '(#eq? @a "evil")) @f')
    assert query_needs(q, PY) is None
    q = '(call function: (identifier)? @a arguments: (_) (#eq? @a "evil")) @f'
    assert query_needs(q, PY) is None
    # ...and tree-sitter agrees: the first pattern matches a call without "evil" anywhere.
    tree = Parser(PY).parse(b"obj.method()\n")
    q1 = Query(PY, '(call function: [(identifier) @a (attribute attribute: (identifier) @b)] '
                   '(#eq? @a "evil")) @f')
    assert list(QueryCursor(q1).matches(tree.root_node))


def test_mandatory_captures_give_requirements_per_pattern():
    q = ('(call function: (identifier) @f (#eq? @f "eval")) @x\n'
         '(call function: (attribute object: (identifier) @m (#any-of? @m "os" "posix") '
         'attribute: (identifier) @n (#eq? @n "system"))) @y')
    needs = query_needs(q, PY)
    assert needs == (
        (((b"eval",), False),),
        (((b"os", b"posix"), False), ((b"system",), False)),
    )
    assert may_match(needs, b"x = eval(y)")
    assert may_match(needs, b"import posix\nposix.system('ls')")
    assert not may_match(needs, b"import os\nos.getcwd()")  # "system" missing


def test_regular_expression_needs_and_escapes():
    # YAML gives the query `"\\bAKIA[0-9A-Z]{16}"`: tree-sitter reads `\bAKIA...` for re.
    q = r'(string (string_content) @s (#match? @s "\\b(AKIA|ASIA)[0-9A-Z]{16}\\b")) @f'
    needs = query_needs(q, PY)
    assert needs is not None
    assert not may_match(needs, b"x = 'hello'")
    assert may_match(needs, b"key = 'AKIAABCDEFGHIJKLMNOP'")
    assert may_match(needs, b"key = 'ASIAABCDEFGHIJKLMNOP'")
    # Anchors and optional parts require nothing; alternatives with an empty side neither.
    assert query_needs(r'((identifier) @i (#match? @i "^(x|)$"))', PY) is None
    assert query_needs(r'((identifier) @i (#match? @i "(abc)?d*"))', PY) is None
    assert query_needs(r'((identifier) @i (#match? @i "^ab+c$"))', PY) == (
        (((b"a",), False), ((b"b",), False), ((b"c",), False)),)


def test_a_predicate_outside_its_pattern_is_a_pattern_of_its_own():
    """tree-sitter reads ``(identifier) @i (#eq? @i "x")`` as two patterns, the first without
    the predicate (it matches every identifier): so nothing may be required of it."""
    q = '(identifier) @i (#eq? @i "x")'
    assert query_needs(q, PY) is None
    tree = Parser(PY).parse(b"y = z")
    assert [c for _, c in QueryCursor(Query(PY, q)).matches(tree.root_node) if c]


def test_case_insensitive_needs_and_unicode_case_folding():
    """``(?i)`` compares lower-cased ASCII; a file with other characters always passes, since
    Python's regex folds the Kelvin sign to ``k`` and the long s to ``s``."""
    q = r'((identifier) @i (#match? @i "(?i)kelvin"))'
    needs = query_needs(q, PY)
    assert needs is not None
    assert may_match(needs, b"KELVIN = 1", lowered(b"KELVIN = 1"))
    assert not may_match(needs, b"celsius = 1", lowered(b"celsius = 1"))
    tricky = "\u212aelvin = 1".encode()  # KELVIN SIGN: tree-sitter's #match? matches it
    tree = Parser(PY).parse(tricky)
    assert list(QueryCursor(Query(PY, q)).matches(tree.root_node))
    assert may_match(needs, tricky, lowered(tricky))


def test_strings_and_comments_in_a_query_are_not_taken_for_predicates():
    q = ('; (#eq? @f "commented")\n'
         '(call function: (identifier) @f (#eq? @f "(#eq? @f \\"x\\")")) @c')
    needs = query_needs(q, PY)
    assert needs == ((((b'(#eq? @f "x")',), False),),)


def test_the_catalogue_survives_its_cache_format(catalog):
    from tracemark.rules.prefilter import RuleCatalog

    again = RuleCatalog.from_bytes(catalog.to_bytes())
    assert again == catalog
    assert RuleCatalog.from_bytes(b"garbage") is None and RuleCatalog.from_bytes(None) is None
