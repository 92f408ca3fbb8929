"""tracemark's own predicates are evaluated on the matches py-tree-sitter returns, not through
its ``predicate=`` callback (which leaks the capture lists, and with them whole syntax trees, in
py-tree-sitter 0.26.1). These tests hold the two ways equal on the whole pack and show that a
check no longer keeps its tree alive."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import pytest
from tree_sitter import Parser, QueryCursor

from tracemark.rules import languages as langs
from tracemark.rules.engine import DocumentChecker, default_engine
from tracemark.rules.loader import packaged_rules_dir
from tracemark.rules.predicates import evaluate

FIXTURES = sorted(p for p in Path(packaged_rules_dir()).rglob("*")
                  if p.is_file() and p.suffix not in (".yaml", ".yml", ".md")
                  and langs.for_path(p.name) is not None)


def test_the_pack_has_custom_predicates_and_fixtures_to_check_them():
    engine = default_engine()
    packs = [engine.pack(name) for name in ("python", "javascript", "typescript")]
    assert sum(len(p.custom) for p in packs) > 20
    assert len(FIXTURES) > 100


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_custom_predicates_are_read_as_py_tree_sitter_passes_them(path: Path):
    """For every fixture of the pack: the ``(pattern, name, args)`` py-tree-sitter's callback
    receives are exactly the ones read from the query text, and filtering the matches
    afterwards keeps exactly the matches the callback keeps."""
    spec = langs.for_path(path.name)
    assert spec is not None
    engine = default_engine()
    pack = engine.pack(spec.name)
    if pack.query is None:
        pytest.skip(f"no {spec.name} rules")
    tree = Parser(spec.language()).parse(path.read_bytes())
    seen: set[tuple[int, str, tuple]] = set()

    def callback(name, args, pattern, captures):
        seen.add((pattern, name, tuple(args)))
        return evaluate(name, args, captures, pack.contexts[pack.pattern_rules[pattern].id])

    def plain(rule_id: str, caps) -> tuple:
        return rule_id, sorted((k, [(n.start_byte, n.end_byte) for n in v])
                               for k, v in caps.items())

    via_callback = [plain(pack.pattern_rules[i].id, caps) for i, caps in
                    QueryCursor(pack.query).matches(tree.root_node, predicate=callback)]
    ours = {(i, name, tuple(args)) for i, preds in pack.custom.items() for name, args in preds}
    assert seen <= ours  # every predicate the callback saw is one we read, argument for argument
    via_filter = [plain(rule.id, caps) for rule, caps in pack.matches(tree.root_node)]
    assert via_filter == via_callback


def test_a_check_does_not_keep_its_syntax_tree_alive():
    """Each evaluation of a custom predicate used to leak a reference to the tree (hundreds
    per whole-file check), so no tree a check had run on was ever freed."""
    src = (Path(packaged_rules_dir()) / "python" / "py-error-details-to-client.py").read_bytes()
    src += b"".join(b"\ndef f%d(password):\n    secret = 'x%d'\n    return password\n" % (i, i)
                    for i in range(50))
    chk = DocumentChecker("python", src, engine=default_engine())
    before = sys.getrefcount(chk.tree)
    found = chk.check([(0, len(src))])
    assert found  # the fixture's findings: the custom predicates did run
    gc.collect()
    after = sys.getrefcount(chk.tree)  # outside the assert: pytest's rewriting holds one more
    assert after == before
