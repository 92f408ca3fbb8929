"""Rule files: schema validation, refusal with file/line/reason, the others keep working."""

from __future__ import annotations

from pathlib import Path

import pytest
from tracemark.rules.engine import Engine
from tracemark.rules.loader import load_rules, packaged_rules_dir

GOOD = """\
id: py-test-eval
message: eval of dynamic input runs arbitrary code.
severity: error
cwe: [CWE-95]
languages: [python]
query: |
  (call function: (identifier) @_f (#eq? @_f "eval")) @finding
semgrep:
  pattern: eval(...)
"""


def write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(text)
    return p


def test_packaged_rules_dir_is_the_repository_rules_folder() -> None:
    d = packaged_rules_dir()
    assert (d / "python").is_dir()
    assert list((d / "python").glob("*.yaml"))


def test_good_rule_loads_with_its_query_line(tmp_path: Path) -> None:
    write(tmp_path, "py-test-eval.yaml", GOOD)
    rs = load_rules([tmp_path], packaged=False)
    assert rs.errors == []
    (rule,) = rs.rules
    assert rule.id == "py-test-eval" and rule.cwe == ["CWE-95"]
    assert rule.query_line == 7  # the line after `query: |`


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (GOOD.replace("severity: error", "severity: fatal"), 3, "severity"),
        (GOOD.replace("[CWE-95]", "[CWE 95]"), 4, "not a CWE id"),
        (GOOD.replace("[python]", "[cobol]"), 5, "unknown language 'cobol'"),
        (GOOD.replace("@finding", "@found"), 1, "needs a '@finding' capture"),
        (GOOD + "colour: red\n", 10, "colour: Extra inputs are not permitted"),
        (GOOD.replace("  pattern: eval(...)", "  id: other"), 8, "unexpected key(s) id"),
        (GOOD.replace("message: eval", "message: [eval"), 3, "invalid YAML"),
        ("- just a list\n", 1, "must be a YAML mapping"),
    ],
)
def test_broken_rule_is_refused_with_file_line_and_reason(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    broken = write(tmp_path, "py-test-eval.yaml", text)
    write(tmp_path, "py-other.yaml", GOOD.replace("py-test-eval", "py-other"))
    rs = load_rules([tmp_path], packaged=False)
    assert [r.id for r in rs.rules] == ["py-other"]  # the other rule keeps working
    (err,) = rs.errors
    assert err.path == broken
    assert err.line == line, str(err)
    assert reason in err.reason
    assert str(err).startswith(f"{broken}:{line}: ")


def test_id_must_match_file_name_and_be_unique(tmp_path: Path) -> None:
    write(tmp_path, "py-wrong-name.yaml", GOOD)
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "py-test-eval.yaml", GOOD)
    write(tmp_path, "py-test-eval.yaml", GOOD)
    rs = load_rules([tmp_path], packaged=False)
    reasons = sorted(e.reason for e in rs.errors)
    assert any("must match its file name" in r for r in reasons)
    assert any("duplicate rule id 'py-test-eval'" in r for r in reasons)
    assert [r.id for r in rs.rules] == ["py-test-eval"]


def test_broken_query_is_refused_at_compile_and_others_still_match(tmp_path: Path) -> None:
    bad = GOOD.replace("py-test-eval", "py-bad-query").replace(
        '(call function: (identifier) @_f (#eq? @_f "eval")) @finding',
        '(call function: (identifer) @_f) @finding')
    write(tmp_path, "py-bad-query.yaml", bad)
    unknown = GOOD.replace("py-test-eval", "py-bad-pred").replace("#eq?", "#frobnicate?")
    write(tmp_path, "py-bad-pred.yaml", unknown)
    write(tmp_path, "py-test-eval.yaml", GOOD)
    engine = Engine(load_rules([tmp_path], packaged=False))
    findings = engine.scan_file("x.py", "eval(user_input)\n")
    assert [f.rule_id for f in findings] == ["py-test-eval"]
    errors = {e.rule_id: e for e in engine.errors}
    assert set(errors) == {"py-bad-query", "py-bad-pred"}
    assert errors["py-bad-query"].line == 7
    assert "Invalid node type" in errors["py-bad-query"].reason
    assert "identifer" in errors["py-bad-query"].reason
    assert errors["py-bad-pred"].reason == "query: unknown predicate #frobnicate?"
    assert str(errors["py-bad-query"]).startswith(str(tmp_path / "py-bad-query.yaml") + ":7:")


def test_query_valid_for_one_language_but_not_another_is_refused(tmp_path: Path) -> None:
    # `expression_statement` exists in Python; `program` exists only in JavaScript.
    text = GOOD.replace("[python]", "[python, javascript]").replace(
        '(call function: (identifier) @_f (#eq? @_f "eval")) @finding',
        "(module) @finding")
    write(tmp_path, "py-test-eval.yaml", text)
    engine = Engine(load_rules([tmp_path], packaged=False))
    assert engine.scan_file("a.py", "x = 1\n")  # fine in Python
    assert engine.scan_file("a.js", "x = 1\n") == []
    assert any("Invalid node type" in e.reason for e in engine.errors)


def test_parameters_are_validated_and_overridable(tmp_path: Path) -> None:
    text = GOOD.replace(
        '(call function: (identifier) @_f (#eq? @_f "eval")) @finding',
        "(call function: (identifier) @_f (#param-any-of? @_f banned)) @finding",
    ) + "parameters:\n  banned:\n    description: functions not to call\n    default: [eval]\n"
    write(tmp_path, "py-test-eval.yaml", text)
    rules = load_rules([tmp_path], packaged=False)
    src = "eval(a)\nexec(b)\n"
    default = Engine(rules).scan_file("a.py", src)
    assert [f.start.line for f in default] == [0]
    tuned = Engine(rules, parameters={"py-test-eval": {"banned": ["exec"]}}).scan_file("a.py", src)
    assert [f.start.line for f in tuned] == [1]
    broken = Engine(rules, parameters={"py-test-eval": {"nope": 1}})
    assert broken.scan_file("a.py", src) == []
    assert "has no parameter 'nope'" in broken.errors[0].reason


def test_packaged_rules_dir_in_wheel_and_checkout_layouts(tmp_path: Path) -> None:
    wheel_pkg = tmp_path / "site-packages" / "tracemark"
    (wheel_pkg / "_rules" / "python").mkdir(parents=True)
    assert packaged_rules_dir(wheel_pkg) == wheel_pkg / "_rules"
    checkout_pkg = tmp_path / "repo" / "server" / "tracemark"
    checkout_pkg.mkdir(parents=True)
    (tmp_path / "repo" / "rules").mkdir()
    assert packaged_rules_dir(checkout_pkg) == tmp_path / "repo" / "rules"
    with pytest.raises(FileNotFoundError):
        packaged_rules_dir(tmp_path / "nowhere" / "tracemark")


def test_wheel_ships_the_rules_as_tracemark_rules(tmp_path: Path) -> None:
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(tmp_path), str(root)], capture_output=True, text=True)
    if proc.returncode != 0 and "hatchling" in proc.stderr:
        pytest.skip("hatchling is not installed for an offline wheel build")
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("tracemark-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "tracemark/_rules/python/py-eval-injection.yaml" in names
    assert "tracemark/_rules/python/py-eval-injection.py" in names
    assert "tracemark/rules/loader.py" in names
