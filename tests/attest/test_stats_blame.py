"""Issue 7: ``tracemark stats [RANGE] [--json]`` and ``tracemark blame FILE --rev REV``, both
computed from the commits' trailers (verified), through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from attest_support import APP, Keys, commit, configure_signing, mark, write

from tracemark.gitutil import find_repo
from tracemark.ledger import open_ledger
from tracemark.model import Confidence, Origin, OriginKind, Span

from support import git, tracemark


def _history(root: Path) -> dict[str, str]:
    """init (unattested), A: 3 AI of 12, B: human, C: modified+reviewed, D: no-verify."""
    shas = {}
    write(root, "app.py", APP)
    mark(root, "app.py", "8-10", "copilot", "gpt-4.1")
    git(root, "add", "app.py")
    commit(root, "-m", "A")
    shas["A"] = git(root, "rev-parse", "HEAD").strip()
    write(root, "notes.txt", "one\ntwo\n")
    git(root, "add", "notes.txt")
    commit(root, "-m", "B")
    shas["B"] = git(root, "rev-parse", "HEAD").strip()
    text = "def c1():\n    return 1\n\n\ndef c2():\n    return 2\n"
    write(root, "c.py", text)
    origin = Origin(kind=OriginKind.AI_MODIFIED, tool="claude-code", model="claude-sonnet-4",
                    confidence=Confidence.EXACT, source="lsp")
    with open_ledger(find_repo(root)) as ledger:  # what the language server records after an
        ledger.record("c.py", text, [Span(0, 22, origin)], writer="test")  # edit in AI text
    mark(root, "c.py", "5-6", "cursor", None)
    assert tracemark("mark", "c.py", "--lines", "6", "--reviewed", cwd=root).returncode == 0
    git(root, "add", "c.py")
    commit(root, "-m", "C")
    shas["C"] = git(root, "rev-parse", "HEAD").strip()
    write(root, "d.txt", "quick\n")
    git(root, "add", "d.txt")
    commit(root, "--no-verify", "-m", "D")
    shas["D"] = git(root, "rev-parse", "HEAD").strip()
    return shas


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, keys: Keys):
    """The history above, made once through the real hooks; each test works on a clone (which
    has the trailers but neither the ledger nor the hooks: stats and blame need neither)."""
    base = tmp_path_factory.mktemp("history")
    home = base / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        for k, v in {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "XDG_CACHE_HOME":
                     str(home / ".cache"), "GIT_AUTHOR_NAME": "Test Author",
                     "GIT_AUTHOR_EMAIL": "author@example.com", "GIT_COMMITTER_NAME":
                     "Test Author", "GIT_COMMITTER_EMAIL": "author@example.com"}.items():
            mp.setenv(k, v)
        for k in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
            mp.delenv(k, raising=False)
        root = base / "origin"
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        (root / "README.md").write_text("# test\n")
        git(root, "add", "README.md")
        git(root, "commit", "-q", "-m", "initial")
        configure_signing(root, keys)
        assert tracemark("hooks", "install", cwd=root).returncode == 0
        shas = _history(root)
    return root, shas


@pytest.fixture
def clone(history, tmp_path: Path, keys: Keys) -> tuple[Path, dict[str, str]]:
    src, shas = history
    dst = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(src), str(dst))
    configure_signing(dst, keys)
    return dst, shas


def test_stats_json_per_commit_total_and_by_tool(clone):
    arepo, shas = clone
    out = tracemark("stats", "--json", cwd=arepo)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["schema"] == "tracemark/stats/v1" and doc["signatures_checked"] is True
    by = {c["commit"]: c for c in doc["commits"]}
    assert by[shas["A"]]["status"] == "ai-attested"
    assert by[shas["A"]]["lines"] == {"added": 12, "ai": 3, "ai_modified": 0, "reviewed": 0,
                                      "human": 9, "unattested": 0}
    assert by[shas["B"]]["status"] == "human-attested"
    assert by[shas["B"]]["lines"]["human"] == 2
    assert by[shas["C"]]["lines"] == {"added": 6, "ai": 1, "ai_modified": 2, "reviewed": 1,
                                      "human": 2, "unattested": 0}
    assert by[shas["D"]]["status"] == "unattested"
    assert by[shas["D"]]["lines"]["unattested"] == 1
    total = doc["total"]
    assert total["commits"] == 5  # with the fixture's initial commit (unattested, 1 line)
    assert total["lines"] == {"added": 22, "ai": 4, "ai_modified": 2, "reviewed": 1,
                              "human": 13, "unattested": 2}
    assert total["by_status"] == {"unattested": 2, "ai-attested": 2, "human-attested": 1}
    tools = {(t["tool"], t["model"]): t for t in total["by_tool"]}
    assert tools[("copilot", "gpt-4.1")]["ai"] == 3
    assert tools[("claude-code", "claude-sonnet-4")]["ai_modified"] == 2
    assert tools[("cursor", None)] == {"tool": "cursor", "model": None, "ai": 1,
                                       "ai_modified": 0, "reviewed": 1}


def test_stats_range_and_text_output(clone):
    arepo, shas = clone
    out = tracemark("stats", f"{shas['A']}..{shas['C']}", cwd=arepo)
    assert out.returncode == 0, out.stderr
    assert "2 commits, 8 lines added: 4 AI (50%; 2 modified, 1 reviewed), 4 human" in out.stdout
    assert "claude-code:claude-sonnet-4" in out.stdout


def test_stats_bad_range_is_a_one_line_error(clone):
    arepo, _ = clone
    out = tracemark("stats", "no-such-branch..HEAD", cwd=arepo)
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "not a revision range" in out.stderr


def test_stats_without_allowed_signers_checks_binding_only(clone):
    arepo, _ = clone
    git(arepo, "config", "--unset", "gpg.ssh.allowedSignersFile")
    doc = json.loads(tracemark("stats", "--json", cwd=arepo).stdout)
    assert doc["signatures_checked"] is False
    assert doc["total"]["lines"]["ai"] == 4


def test_blame_rev_from_trailers(clone):
    arepo, shas = clone
    # A clone has no ledger; change the working tree too: --rev must not look at either.
    write(arepo, "app.py", "# rewritten\n")
    out = tracemark("blame", "app.py", "--rev", shas["C"], "--json", cwd=arepo)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["schema"] == "tracemark/blame/v1" and doc["rev"] == shas["C"]
    kinds = [ln["kind"] for ln in doc["lines"]]
    assert kinds == ["human"] * 7 + ["ai"] * 3 + ["human"] * 2
    assert doc["lines"][8]["tool"] == "copilot" and doc["lines"][8]["commit"] == shas["A"]
    c = json.loads(tracemark("blame", "c.py", "--rev", "HEAD", "--json", cwd=arepo).stdout)
    assert [ln["kind"] for ln in c["lines"]] == ["ai-modified", "ai-modified", "human", "human",
                                                 "ai", "reviewed"]
    assert c["lines"][5]["reviewed"] is True


def test_blame_rev_unattested_lines_are_unknown_and_text_output(clone):
    arepo, shas = clone
    write(arepo, "app.py", APP + "tail = 1\n")
    git(arepo, "add", "app.py")
    commit(arepo, "--no-verify", "-m", "E")
    out = tracemark("blame", "app.py", "--rev", "HEAD", cwd=arepo)
    lines = out.stdout.splitlines()
    assert "ai" in lines[7] and "copilot gpt-4.1" in lines[7] and shas["A"][:8] in lines[7]
    assert "unknown" in lines[12] and lines[12].endswith("| tail = 1")
    bad = tracemark("blame", "app.py", "--rev", "no-such-rev", cwd=arepo)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
