"""The deep tier with the real semgrep: semgrep's own rule test, engine agreement, the runner."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
import yaml

from tracemark.rules.agreement import engine_lines
from tracemark.rules.engine import Engine
from tracemark.rules.loader import RuleSet
from tracemark.rules.semgrep import (
    BufferScan,
    SemgrepRun,
    dump_config,
    rule_test,
    rule_test_failures,
)

pytestmark = pytest.mark.semgrep


def test_semgrep_own_rule_test_passes_on_every_fixture(
    pack: RuleSet, pack_fixtures: dict[str, list[Path]]
) -> None:
    data = rule_test(pack, pack_fixtures)  # one `semgrep test` run for the whole pack
    assert rule_test_failures(data) == []
    checked = {rid for entry in data["results"].values() for rid in entry["checks"]}
    assert checked == pack.ids()


def test_engines_agree_line_by_line_on_every_fixture(
    pack: RuleSet, pack_engine: Engine, pack_fixtures: dict[str, list[Path]]
) -> None:
    lines = engine_lines(pack, pack_fixtures, pack_engine)  # one semgrep scan for the pack
    assert len(lines) >= len(pack)
    disagreements = [
        f"{x.fixture.name} {x.rule_id}: fast={sorted(x.fast)} semgrep={sorted(x.semgrep)}"
        for x in lines if x.unexplained
    ]
    assert disagreements == []
    assert sum(len(x.fast) for x in lines) > 100  # the comparison saw real findings


def test_export_is_a_semgrep_config_with_the_same_ids(pack: RuleSet, tmp_path: Path) -> None:
    from support import tracemark

    out = tmp_path / "pack.yaml"
    proc = tracemark("rules", "export-semgrep", "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load(out.read_text())
    assert {r["id"] for r in data["rules"]} == pack.ids()
    for r in data["rules"]:
        assert r["severity"] in ("ERROR", "WARNING", "INFO")
        assert r["metadata"]["cwe"] and all(c.startswith("CWE-") for c in r["metadata"]["cwe"])
    assert "{{params." not in dump_config(pack)  # parameters expanded


def test_parameters_reach_the_semgrep_rule(pack: RuleSet, tmp_path: Path) -> None:
    target = tmp_path / "k.py"
    target.write_text("from Crypto.PublicKey import RSA\nk = RSA.generate(3072)\n")
    default = SemgrepRun([target], rules=pack).run()
    assert default.ok and not [f for f in default.findings if f.rule_id == "py-weak-rsa-key"]
    strict = SemgrepRun([target], rules=pack,
                        parameters={"py-weak-rsa-key": {"min_bits": 4096}}).run()
    assert [f.rule_id for f in strict.findings] == ["py-weak-rsa-key"]
    assert strict.findings[0].engine == "semgrep"
    fast = Engine(pack, parameters={"py-weak-rsa-key": {"min_bits": 4096}}).scan_file(target)
    assert [f.start for f in fast] == [f.start for f in strict.findings]


def test_user_config_and_buffer_copy(pack: RuleSet, tmp_path: Path) -> None:
    cfg = tmp_path / "team-rules"
    cfg.mkdir()
    (cfg / "no-print.yaml").write_text(
        "rules:\n- id: team-no-print\n  message: no print in services\n  severity: WARNING\n"
        "  languages: [python]\n  metadata: {cwe: 'CWE-532: log'}\n  pattern: print(...)\n")
    doc = tmp_path / "svc.py"
    doc.write_text("x = 1\n")  # the saved file differs from the buffer
    buffer = "import os\n\nprint('héllo')\nos.system(cmd)\n"
    result = BufferScan(buffer, doc, rules=pack, configs=[cfg]).run()
    assert result.ok, result.reason
    by_id = {f.rule_id: f for f in result.findings}
    assert set(by_id) == {"team-no-print", "py-os-system"}
    assert all(f.path == str(doc) for f in result.findings)
    assert by_id["team-no-print"].cwe == ["CWE-532"]
    # semgrep's 1-based UTF-8 columns become 0-based byte points
    assert by_id["py-os-system"].start.line == 3 and by_id["py-os-system"].start.byte_col == 0
    assert by_id["py-os-system"].start_byte == len(b"import os\n\nprint('h\xc3\xa9llo')\n")


def test_missing_semgrep_gives_one_line_reason(pack: RuleSet, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import tracemark.rules.semgrep as sg

    monkeypatch.setattr(sg, "semgrep_binary", lambda: None)
    f = tmp_path / "a.py"
    f.write_text("eval(x)\n")
    result = SemgrepRun([f], rules=pack).run()
    assert not result.ok and result.findings == []
    assert result.reason == "semgrep is not installed (pip install semgrep); only the fast tier ran"


def test_failing_semgrep_gives_one_line_reason(pack: RuleSet, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n- id: x\n  pattern: [\n")
    f = tmp_path / "a.py"
    f.write_text("eval(x)\n")
    result = SemgrepRun([f], rules=pack, configs=[bad]).run()
    assert not result.ok and result.reason and "\n" not in result.reason
    assert result.reason.startswith("semgrep failed")


def test_run_can_be_cancelled_from_another_thread(pack: RuleSet, tmp_path: Path) -> None:
    files = []
    for i in range(40):  # about 3 s of semgrep work
        p = tmp_path / f"m{i}.py"
        p.write_text("import os\n" + "os.system(cmd)\n" * 400)
        files.append(p)
    run = SemgrepRun(files, rules=pack)
    out: dict = {}
    t = threading.Thread(target=lambda: out.setdefault("r", run.run()))
    t.start()
    deadline = time.monotonic() + 20
    while not run.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert run.running
    run.cancel()
    t.join(30)
    assert not t.is_alive()
    assert run.killed, "the semgrep process was not killed"
    assert out["r"].cancelled and out["r"].findings == []
    assert os.environ.get("SEMGREP_ENABLE_VERSION_CHECK") == "0"


def test_a_run_over_files_of_one_language_gets_only_that_languages_rules(
        pack: RuleSet, tmp_path: Path) -> None:
    """semgrep prepares every rule of its config whatever the target: a saved Python buffer
    gets the Python rules only; a folder or an unknown file type keeps the whole pack."""
    from tracemark.rules.semgrep import SemgrepRun

    py, ts = tmp_path / "a.py", tmp_path / "b.tsx"
    py.write_text("x = 1\n")
    ts.write_text("export const x = 1;\n")
    only_py = SemgrepRun([py], rules=pack)._rules_for_targets()
    assert only_py and all("python" in r.languages for r in only_py)
    assert {r.id for r in only_py} == {r.id for r in pack if "python" in r.languages}
    both = {r.id for r in SemgrepRun([py, ts], rules=pack)._rules_for_targets()}
    assert "py-eval-injection" in both and "js-dangerously-set-inner-html" in both
    assert "docker-otel-disabled" not in both
    assert len(SemgrepRun([tmp_path], rules=pack)._rules_for_targets()) == len(pack)
    (tmp_path / "notes.txt").write_text("hi\n")
    assert len(SemgrepRun([tmp_path / "notes.txt"], rules=pack)._rules_for_targets()) == len(pack)
