"""The shipped rule pack: every rule loads, has fixtures with ruleid and ok cases, and the fast
engine reports exactly the annotated lines, whole-file and span by span."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracemark.rules.engine import DocumentChecker, Engine
from tracemark.rules.fixtures import annotation_problems, check_fast, parse_annotations
from tracemark.rules.loader import RuleSet, default_rules, load_rules
from tracemark.rules.languages import for_path

PACK = default_rules()


def test_pack_loads_without_errors_and_is_large_enough(pack_engine: Engine) -> None:
    """Issue 4: at least 40 Python and 30 JavaScript/TypeScript rules, each with severity and
    CWE; every rule compiles for every language it names."""
    assert pack_engine.errors == []
    python = [r for r in PACK if "python" in r.languages]
    js_ts = [r for r in PACK if {"javascript", "typescript", "tsx"} & set(r.languages)]
    assert len(python) >= 40, f"{len(python)} Python rules"
    assert len(js_ts) >= 30, f"{len(js_ts)} JavaScript/TypeScript rules"
    for rule in PACK:
        assert rule.cwe and rule.severity and rule.message


@pytest.mark.parametrize("rule_id", sorted(r.id for r in PACK))
def test_rule_passes_its_fixtures(rule_id: str, pack_engine: Engine,
                                  pack_fixtures: dict[str, list[Path]]) -> None:
    rule = PACK.get(rule_id)
    assert annotation_problems(rule, pack_fixtures[rule_id]) == []
    for fx in pack_fixtures[rule_id]:
        result = check_fast(pack_engine, rule, fx)
        assert result.passed, result.describe()


@pytest.mark.parametrize("rule_id", sorted(r.id for r in PACK))
def test_rule_findings_are_the_same_when_checked_span_by_span(
    rule_id: str, pack_engine: Engine, pack_fixtures: dict[str, list[Path]]
) -> None:
    """The editor path: each annotated line checked as its own AI span finds the same."""
    for fx in pack_fixtures[rule_id]:
        src = fx.read_bytes()
        chk = DocumentChecker(for_path(fx).name, src, engine=pack_engine)
        ann = parse_annotations(src.decode())
        lines = src.split(b"\n")
        starts = [0]
        for ln in lines:
            starts.append(starts[-1] + len(ln) + 1)
        for line in sorted(ann.fast_expected(rule_id) | ann.lines(rule_id, "ok", "todook")):
            span = (starts[line - 1], starts[line - 1] + len(lines[line - 1]))
            hit = any(f.rule_id == rule_id and f.start.line == line - 1 for f in chk.check([span]))
            assert hit == (line in ann.fast_expected(rule_id)), f"{fx.name}:{line}"


def test_a_rule_without_fixture_or_ok_case_fails(tmp_path: Path) -> None:
    rule_text = (Path(PACK.get("py-eval-injection").source_path)).read_text()
    (tmp_path / "py-eval-injection.yaml").write_text(rule_text)
    rules = load_rules([tmp_path], packaged=False)
    rule = rules.get("py-eval-injection")
    assert annotation_problems(rule, []) == [
        "py-eval-injection: no fixture (py-eval-injection.<ext> beside the rule)"]
    (tmp_path / "py-eval-injection.py").write_text("# ruleid: py-eval-injection\neval(x)\n")
    from tracemark.rules.fixtures import fixture_files

    assert annotation_problems(rule, fixture_files(rule)) == [
        "py-eval-injection: no 'ok: py-eval-injection' case in its fixtures"]
    (tmp_path / "py-eval-injection.py").write_text(
        "# ruleid: py-eval-injection\neval(x)\n# ok: py-eval-injection\neval(y)\n")
    result = check_fast(Engine(rules), rule, tmp_path / "py-eval-injection.py")
    assert not result.passed and "unexpected findings on lines [4]" in result.describe()


def test_todo_annotations_need_a_known_difference(tmp_path: Path) -> None:
    rule = PACK.get("py-eval-injection")
    fx = tmp_path / "py-eval-injection.py"
    fx.write_text("# ruleid: py-eval-injection\neval(x)\n# ok: py-eval-injection\nf(x)\n"
                  "# todoruleid: py-eval-injection\neval(y)\n")
    assert annotation_problems(rule, [fx]) == [
        "py-eval-injection: todoruleid/todook annotations need a 'known_difference'"]


def test_rules_test_command_reports_all_passed(tmp_path: Path) -> None:
    from support import tracemark

    proc = tracemark("rules", "test", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all passed" in proc.stdout


def test_pack_is_a_ruleset() -> None:
    assert isinstance(PACK, RuleSet)
