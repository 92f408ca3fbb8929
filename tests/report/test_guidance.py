"""Issue 12, ``tracemark guidance``: instructions from the findings that recur on AI lines,
written into each kind of file the AI tools read, inside tracemark's own section.

The history (``report_support``) has py-subprocess-shell twice (by copilot and by claude-code:
command injection recurs) and py-insecure-random once (not a habit yet, under the default
threshold of 2). Each test works on its own copy of that repository.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tracemark.guidance.advice import split_message
from tracemark.guidance.files import END, START

from gate_support import make_gate_repo
from report_support import commit_on, run

USER_TOP = "# Team notes\n\nWe use tabs in Makefiles.\nKeep functions short.\n"
USER_BOTTOM = "\n## Our own section\n\nRun `make test` before pushing.\n"


def guidance(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    out = run("guidance", "main..HEAD", "--no-progress", *args, cwd=root)
    assert out.returncode == 0, out.stderr
    return out


def section(text: str) -> str:
    assert text.count(START) == 1 and text.count(END) == 1, text
    return text[text.index(START):text.index(END) + len(END)]


def assert_written_twice_keeps_user_text(root: Path, path: str, before: str) -> str:
    """``--write`` twice: the user's text untouched around one section, the second run a no-op;
    then a stale section (as an older run left it) is replaced, not duplicated."""
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(before)
    first = guidance(root, "--write")
    assert f"updated {path}" in first.stdout
    once = file.read_text()
    assert once.startswith(before)  # everything the user wrote, byte for byte, still first
    body = section(once)
    assert "### Command injection (2 findings)" in body
    assert "Pass a list of arguments and drop shell=True" in body or \
           "pass a list of arguments and drop shell=True" in body
    assert "py-subprocess-shell, CWE-78; 1 by claude-code:claude-sonnet-4, 1 by " \
           "copilot:gpt-4.1" in body
    assert "py-insecure-random" not in body  # once is not a habit (--min-count 2)
    second = guidance(root, "--write")
    assert file.read_text() == once
    assert path not in second.stdout
    # An older run's section, with the user's text after it as well.
    stale = before + f"\n{START}\n## Old advice\n- do not use eval\n{END}\n" + USER_BOTTOM
    file.write_text(stale)
    guidance(root, "--write")
    guidance(root, "--write")
    text = file.read_text()
    assert "Old advice" not in text and text.count(START) == 1
    assert text == before + "\n" + body + "\n" + USER_BOTTOM
    return text


def test_guidance_write_twice_copilot_instructions(work: Path) -> None:
    """.github/copilot-instructions.md (copilot is in the range's Assisted-by trailers)."""
    assert_written_twice_keeps_user_text(work, ".github/copilot-instructions.md", USER_TOP)


@pytest.mark.parametrize("path", ["CLAUDE.md", "AGENTS.md"])
def test_guidance_write_twice_claude_and_agents_md(work: Path, path: str) -> None:
    """CLAUDE.md (claude-code seen) and AGENTS.md (no tool of the range, but it exists)."""
    assert_written_twice_keeps_user_text(work, path, USER_TOP)


def test_guidance_write_twice_cursor_rule(work: Path) -> None:
    """.cursor/rules/tracemark.mdc: the user's own front matter and text are kept."""
    before = ("---\ndescription: our rules\nglobs: src/**/*.py\nalwaysApply: false\n---\n\n"
              "Prefer dataclasses.\n")
    text = assert_written_twice_keeps_user_text(work, ".cursor/rules/tracemark.mdc", before)
    assert text.startswith("---\ndescription: our rules\nglobs: src/**/*.py\n")


def test_guidance_creates_cursor_rule_with_front_matter(work: Path) -> None:
    """A team that uses Cursor (.cursor/ exists) gets a project rule with Cursor's front
    matter (description, globs, alwaysApply)."""
    (work / ".cursor").mkdir()
    out = guidance(work, "--write")
    assert "created .cursor/rules/tracemark.mdc (exists (.cursor))" in out.stdout
    text = (work / ".cursor/rules/tracemark.mdc").read_text()
    front, rest = text.split("---\n", 2)[1:]
    keys = dict(line.split(":", 1) for line in front.splitlines())
    assert set(keys) == {"description", "globs", "alwaysApply"}
    assert keys["alwaysApply"].strip() == "true" and "tracemark" in keys["description"]
    assert rest.lstrip().startswith(START)


def test_guidance_files_for_the_tools_seen(work: Path) -> None:
    """Without any file: those of the tools in the trailers (copilot, claude-code) only."""
    out = json.loads(guidance(work, "--json").stdout)
    assert out["schema"] == "tracemark/guidance/v1" and out["written"] is False
    assert [(f["path"], f["reason"], f["action"]) for f in out["files"]] == [
        (".github/copilot-instructions.md", "tool seen: copilot", "create"),
        ("CLAUDE.md", "tool seen: claude-code", "create")]
    [group] = out["groups"]
    assert (group["category"], group["count"]) == ("command-injection", 2)
    assert group["instructions"][0]["tools"] == {"claude-code:claude-sonnet-4": 1,
                                                 "copilot:gpt-4.1": 1}
    assert not (work / "CLAUDE.md").exists()  # --json alone writes nothing


def test_guidance_diff_mode_prints_an_applicable_diff(work: Path, tmp_path: Path) -> None:
    """Without --write: a unified diff on stdout, exit 0, nothing written; ``git apply`` of it
    gives exactly what --write writes."""
    (work / "CLAUDE.md").write_text(USER_TOP)
    out = guidance(work)
    assert out.stdout.startswith("--- /dev/null\n+++ b/.github/copilot-instructions.md\n")
    assert "--- a/CLAUDE.md\n+++ b/CLAUDE.md\n" in out.stdout
    assert f"+{START}\n" in out.stdout and "\n Keep functions short.\n" in out.stdout
    assert (work / "CLAUDE.md").read_text() == USER_TOP
    assert not (work / ".github/copilot-instructions.md").exists()
    patch = tmp_path / "guidance.diff"
    patch.write_text(out.stdout)
    subprocess.run(["git", "apply", str(patch)], cwd=work, check=True)
    applied = {p: (work / p).read_text() for p in ("CLAUDE.md", ".github/copilot-instructions.md")}
    subprocess.run(["git", "apply", "-R", str(patch)], cwd=work, check=True)
    guidance(work, "--write")
    assert applied == {p: (work / p).read_text() for p in applied}
    again = run("guidance", "main..HEAD", "--no-progress", cwd=work)
    assert again.returncode == 0 and again.stdout == ""
    assert "nothing to change" in again.stderr


def test_guidance_removes_its_section_when_nothing_recurs(work: Path) -> None:
    """Findings went away (here: a threshold nothing reaches): the section goes, the user's
    text stays, a file that held only the section is deleted, no file is created."""
    (work / "CLAUDE.md").write_text(USER_TOP)
    guidance(work, "--write")
    assert (work / ".github/copilot-instructions.md").exists()
    out = guidance(work, "--write", "--min-count", "3")
    assert "updated CLAUDE.md" in out.stdout
    assert "deleted .github/copilot-instructions.md" in out.stdout
    assert (work / "CLAUDE.md").read_text() == USER_TOP
    assert not (work / ".github/copilot-instructions.md").exists()
    assert guidance(work, "--write", "--min-count", "3").stdout == ""


def test_guidance_min_count_one_includes_single_findings(work: Path) -> None:
    out = json.loads(guidance(work, "--json", "--min-count", "1").stdout)
    assert [g["category"] for g in out["groups"]] == ["command-injection", "weak-random"]


def test_guidance_broken_markers_exit_2_and_write_nothing(work: Path) -> None:
    text = USER_TOP + f"\n{START}\nhalf a section, no end\n"
    (work / "CLAUDE.md").write_text(text)
    out = run("guidance", "main..HEAD", "--write", "--no-progress", cwd=work)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "CLAUDE.md:6: tracemark's guidance markers are unbalanced" in out.stderr
    assert (work / "CLAUDE.md").read_text() == text
    assert not (work / ".github/copilot-instructions.md").exists()


def test_advice_from_rule_messages() -> None:
    """The rule message's two halves: what is wrong (first sentence, short), what to do."""
    avoid, do = split_message(
        "A subprocess runs through the shell (shell=True) with a command that is not a "
        "constant string: anything an attacker controls in it becomes shell commands. Pass a "
        "list of arguments and drop shell=True.")
    assert avoid == "A subprocess runs through the shell with a command that is not a " \
                    "constant string"
    assert do == "Pass a list of arguments and drop shell=True."
    avoid, do = split_message("spawn() with shell: true joins the arguments into one shell "
                              "string. Drop shell: true.")
    assert avoid == "spawn() with shell: true joins the arguments into one shell string"
    assert split_message("yaml.load() is unsafe.", "Use yaml.safe_load") == (
        "yaml.load() is unsafe", "Use yaml.safe_load.")


def test_guidance_merges_rules_with_the_same_advice(tmp_path: Path) -> None:
    """The Python and JavaScript forms of one mistake (audit logging muted, telemetry-integrity)
    by two tools: one instruction naming both rules and both tools, first in its group (the
    winston logger created silent is also js-logger-silenced: a second, single instruction)."""
    r = make_gate_repo(tmp_path)
    r.write("audit.py", 'import logging\n\naudit_log = logging.getLogger("app.audit")\n'
                        "AUDIT_LOG_ENABLED = False\n")
    r.mark("audit.py", "1-4", "claude-code", "claude-sonnet-4")
    commit_on(r, "quiet audit (python)", "2025-05-01")
    r.write("audit.js", 'const winston = require("winston");\n\nconst auditLogger = '
                        "winston.createLogger({ silent: true, transports: [] });\n")
    r.mark("audit.js", "1-3", "copilot", "gpt-4.1")
    commit_on(r, "quiet audit (js)", "2025-05-02")
    out = json.loads(guidance(r.root, "--json").stdout)
    [group] = out["groups"]
    assert (group["category"], group["title"], group["count"]) == (
        "telemetry-integrity", "Telemetry integrity", 3)
    ins, silenced = group["instructions"]
    assert (silenced["rules"], silenced["count"]) == (["js-logger-silenced"], 1)
    assert ins["count"] == 2
    assert ins["rules"] == ["js-audit-log-muted", "py-audit-log-muted"]
    assert ins["tools"] == {"claude-code:claude-sonnet-4": 1, "copilot:gpt-4.1": 1}
    assert ins["do"].startswith("Keep audit logging on")
    assert ins["cwe"] == ["CWE-223", "CWE-778"]
