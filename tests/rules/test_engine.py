"""The fast engine: incremental trees, span-restricted checks, cache correctness, bad code."""

from __future__ import annotations

import random

import pytest
from tracemark.rules import languages
from tracemark.rules.engine import DocumentChecker, Engine, default_engine

VULN = "subprocess.run(cmd, shell=True)"
SRC = f"""\
import subprocess


def human(cmd):
    {VULN}


def ai(cmd):
    x = 1
    {VULN}
    return x
"""


def byte_range_of_line(src: bytes, line: int) -> tuple[int, int]:
    lines = src.split(b"\n")
    start = sum(len(ln) + 1 for ln in lines[:line])
    return start, start + len(lines[line])


def point(src: bytes, byte: int) -> tuple[int, int]:
    row = src.count(b"\n", 0, byte)
    return row, byte - (src.rfind(b"\n", 0, byte) + 1)


def apply(chk: DocumentChecker, start: int, end: int, text: bytes) -> None:
    old = chk.source
    new = old[:start] + text + old[end:]
    chk.edit(start, end, start + len(text), point(old, start), point(old, end),
             point(new, start + len(text)), new)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return default_engine()


def test_check_reports_only_findings_in_the_requested_ranges(engine: Engine) -> None:
    src = SRC.encode()
    chk = DocumentChecker("python", src, engine=engine)
    ai_line = byte_range_of_line(src, 9)
    found = chk.check([ai_line])
    assert [(f.rule_id, f.start.line) for f in found] == [("py-subprocess-shell", 9)]
    assert {f.start.line for f in chk.check(None)} == {4, 9}
    assert chk.check([byte_range_of_line(src, 8)]) == []  # `x = 1` only


def test_edit_before_span_shifts_cached_findings_without_rerunning(engine: Engine) -> None:
    src = SRC.encode()
    chk = DocumentChecker("python", src, engine=engine)
    first = chk.check([byte_range_of_line(src, 9)])
    runs = chk.runs
    apply(chk, 0, 0, b"# a comment\n# another\n")  # two lines above everything
    new = chk.source
    again = chk.check([byte_range_of_line(new, 11)])
    assert chk.runs == runs, "the untouched context was re-run instead of shifted"
    fresh = DocumentChecker("python", new, engine=engine).check([byte_range_of_line(new, 11)])
    assert again == fresh
    assert again[0].start_byte == first[0].start_byte + len(b"# a comment\n# another\n")


def test_fixing_the_line_clears_the_finding_and_reintroducing_it_reports_again(
    engine: Engine,
) -> None:
    src = SRC.encode()
    chk = DocumentChecker("python", src, engine=engine)
    start, end = byte_range_of_line(src, 9)
    assert chk.check([(start, end)])
    col = src.index(b"shell=True", start)
    apply(chk, col + len("shell="), col + len("shell=True"), b"False")
    assert chk.check([byte_range_of_line(chk.source, 9)]) == []
    apply(chk, col + len("shell="), col + len("shell=False"), b"True")
    assert len(chk.check([byte_range_of_line(chk.source, 9)])) == 1


def test_half_typed_code_still_gets_findings(engine: Engine) -> None:
    src = (SRC + "\ndef broken(:\n    if x ==\n").encode()
    chk = DocumentChecker("python", src, engine=engine)
    assert chk.has_errors
    assert [f.start.line for f in chk.check([byte_range_of_line(src, 9)])] == [9]
    # typing the vulnerable call in an unfinished function, character by character
    chk2 = DocumentChecker("python", b"import subprocess\ndef f(cmd):\n    ", engine=engine)
    typed = b"subprocess.run(cmd, shell=True"
    for i in range(len(typed)):
        pos = len(chk2.source)
        apply(chk2, pos, pos, typed[i:i + 1])
    assert chk2.has_errors  # no closing parenthesis yet
    whole = (len(b"import subprocess\ndef f(cmd):\n    "), len(chk2.source))
    apply(chk2, len(chk2.source), len(chk2.source), b")")
    assert [f.rule_id for f in chk2.check([whole])] == ["py-subprocess-shell"]


def test_update_with_full_text_equals_fresh_parse(engine: Engine) -> None:
    src = SRC.encode()
    chk = DocumentChecker("python", src, engine=engine)
    chk.check(None)
    new = src.replace(b"    x = 1\n", b"    x = 1\n    y = 2\n    z = 3\n")
    changed = chk.update(new)
    assert changed
    assert chk.check(None) == DocumentChecker("python", new, engine=engine).check(None)
    assert chk.update(new) == []


def test_random_edits_keep_incremental_results_equal_to_a_fresh_check(engine: Engine) -> None:
    """Cache invalidation is only correct if it agrees with a fresh checker after any edit."""
    rng = random.Random(1234)
    pieces = [b"subprocess.run(cmd, shell=True)\n", b"x = 1\n", b"def g(a):\n    return a\n",
              b"    subprocess.call(a + b, shell=True)\n", b"\n", b"(", b")", b"shell=False",
              b"y = [1,\n", b"]\n", b"    "]
    src = SRC.encode()
    chk = DocumentChecker("python", src, engine=engine)
    for _ in range(150):
        n = len(chk.source)
        a = rng.randrange(n + 1)
        b = min(n, a + rng.choice([0, 0, 1, 3, 10]))
        apply(chk, a, b, rng.choice(pieces) if rng.random() < 0.8 else b"")
        n = len(chk.source)
        ranges = []
        for _ in range(rng.randint(1, 3)):
            s = rng.randrange(n + 1)
            ranges.append((s, min(n, s + rng.randint(1, 80))))
        fresh = DocumentChecker("python", chk.source, engine=engine)
        assert chk.check(ranges) == fresh.check(ranges), chk.source.decode()


def test_language_table_maps_files_and_language_ids() -> None:
    assert languages.for_path("a/b/app.py").name == "python"
    assert languages.for_path("x.tsx").name == "tsx"
    assert languages.for_path("web/app.mjs").name == "javascript"
    assert languages.for_path("infra/main.tf").name == "hcl"
    assert languages.for_path("Dockerfile").name == "dockerfile"
    assert languages.for_path("Dockerfile.prod").name == "dockerfile"
    assert languages.for_path(".github/workflows/ci.yml").name == "yaml"
    assert languages.for_path("README.md") is None
    assert languages.for_language_id("typescriptreact").name == "tsx"
    assert languages.for_language_id("javascriptreact").name == "javascript"
    assert languages.for_language_id("cobol") is None
    for spec in languages.LANGUAGES.values():  # every grammar wheel loads
        assert spec.language() is not None


def test_importing_the_engine_loads_no_grammar() -> None:
    import subprocess
    import sys

    code = ("import sys, tracemark.rules.engine, tracemark.rules.languages; "
            "print(sorted(m for m in sys.modules if m.startswith('tree_sitter')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("rule_id", "before", "after"),
    [
        ("py-yaml-load", "import yaml\ncfg = yaml.load(text)\n",
         "import yaml\ncfg = yaml.safe_load(text)\n"),
        ("py-tls-verify-disabled", "import requests\nr = requests.get(url, verify=False)\n",
         "import requests\nr = requests.get(url)\n"),
        ("py-flask-debug", "app.run(debug=True, port=80)\n", "app.run(port=80)\n"),
    ],
)
def test_quick_fix_applies_cleanly_and_clears_the_finding(
    engine: Engine, rule_id: str, before: str, after: str
) -> None:
    src = before.encode()
    (finding,) = [f for f in engine.scan_source("python", src) if f.rule_id == rule_id]
    fix = finding.fix
    assert fix is not None
    fixed = src[:fix.start_byte] + fix.replacement.encode() + src[fix.end_byte:]
    assert fixed.decode() == after
    assert [f for f in engine.scan_source("python", fixed) if f.rule_id == rule_id] == []


def test_yaml_load_with_an_unsafe_loader_gets_no_ambiguous_fix(engine: Engine) -> None:
    src = b"import yaml\ncfg = yaml.load(text, Loader=yaml.Loader)\n"
    (finding,) = engine.scan_source("python", src)
    assert finding.rule_id == "py-yaml-load" and finding.fix is None


def test_rule_paths_limit_where_a_rule_applies(tmp_path) -> None:
    from tracemark.rules.loader import load_rules

    (tmp_path / "py-only-in-scripts.yaml").write_text(
        "id: py-only-in-scripts\nmessage: print() only matters in scripts here.\nseverity: info\n"
        "cwe: [CWE-532]\nlanguages: [python]\npaths:\n  include: ['scripts/*.py']\n"
        "  exclude: [vendor]\nquery: |\n"
        '  (call function: (identifier) @_f (#eq? @_f "print")) @finding\n'
        "semgrep:\n  pattern: print(...)\n")
    eng = Engine(load_rules([tmp_path], packaged=False))
    src = "print('x')\n"
    assert eng.scan_file("scripts/a.py", src)
    assert eng.scan_file("app/a.py", src) == []
    assert eng.scan_file("vendor/scripts/a.py", src) == []
    chk = DocumentChecker("python", src.encode(), engine=eng, path="app/a.py")
    assert chk.check(None) == []
