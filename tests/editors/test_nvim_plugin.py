"""Neovim plugin parts (issue 10): ``:Tracemark mark|human|reviewed|blame|stats``,
``:checkhealth tracemark``, the copilot.lua / copilot.vim hooks and the accept diff, in a real
headless Neovim with the real ``tracemark serve``.

copilot.lua and copilot.vim cannot be installed here (they come from GitHub, not from a package
registry), so their hooks are shown against small stand-ins with the same entry points and the
same way of inserting text: ``require('copilot.suggestion').accept()`` applying LSP text edits
from a scheduled callback, and ``copilot#Accept()`` returning keys for an ``<expr>`` mapping.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from nvim_driver import PLUGIN, Nvim, headless, lua_list, lua_str, nvim_binary

from support import tracemark

pytestmark = [pytest.mark.nvim, pytest.mark.timeout(180)]

if nvim_binary() is None:  # pragma: no cover - the dev extra installs it
    pytest.skip("no nvim (install the dev extra)", allow_module_level=True)

INIT = """
vim.opt.swapfile = false
vim.opt.signcolumn = 'yes'
vim.opt.shortmess:append('I')
vim.opt.rtp:prepend({plugin})
{extra}
require('tracemark').setup({{ cmd = {tracemark}, settings = {{ heuristic = false }} }})
"""

SPANS = ("(function() local s = require('tracemark.spans').by_buf["
         "vim.api.nvim_get_current_buf()]; return s and s.spans end)()")

# -- stand-ins for the two Copilot plugins ------------------------------------------------------

COPILOT_LUA = """
-- Stand-in for copilot.lua's lua/copilot/suggestion.lua: accept() applies the current
-- suggestion with vim.lsp.util.apply_text_edits from a scheduled callback, as copilot.lua does.
local M = {}
M.text = 'token = "from copilot.lua"'
function M.accept()
  local row = vim.api.nvim_win_get_cursor(0)[1] - 1
  vim.schedule(function()
    vim.lsp.util.apply_text_edits({ {
      range = { start = { line = row, character = 0 }, ['end'] = { line = row, character = 0 } },
      newText = M.text,
    } }, vim.api.nvim_get_current_buf(), 'utf-16')
  end)
end
M.accept_word = M.accept
M.accept_line = M.accept
return M
"""

COPILOT_VIM_PLUGIN = """
" Stand-in for copilot.vim's plugin/copilot.vim: its default <Tab> map.
let g:loaded_copilot = 1
imap <script><silent><nowait><expr> <Tab> copilot#Accept("\\<Tab>")
"""
COPILOT_VIM_AUTOLOAD = """
" Stand-in for copilot.vim's autoload/copilot.vim: copilot#Accept() returns the keys that
" insert the suggestion, for an <expr> mapping.
function! copilot#Accept(...) abort
  return "password = 'from copilot.vim'"
endfunction
"""


def _init(repo: Path, extra: str = "") -> str:
    return INIT.format(plugin=lua_str(PLUGIN), extra=extra,
                       tracemark=lua_list([sys.executable, "-m", "tracemark", "serve"]))


def _open(nv: Nvim, name: str) -> None:
    nv.command(f"edit {name}")
    nv.wait("#vim.lsp.get_clients({bufnr = 0, name = 'tracemark'}) == 1 and "
            "vim.lsp.get_clients({bufnr = 0, name = 'tracemark'})[1].initialized",
            "tracemark to attach")


def _blame(repo: Path, rel: str, check: Any, timeout: float = 15.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        proc = tracemark("blame", rel, "--json", cwd=repo)
        assert proc.returncode == 0, proc.stderr
        lines = json.loads(proc.stdout)["lines"]
        if check(lines):
            return lines
        if time.monotonic() > deadline:
            raise AssertionError(f"blame never matched: {lines}")
        time.sleep(0.2)


def test_tracemark_mark_human_reviewed_commands(repo: Path) -> None:
    """``:Tracemark mark`` (with tool and model), ``:Tracemark human`` and
    ``:Tracemark reviewed`` on line ranges reach the server and the ledger."""
    (repo / "m.py").write_text("a = 1\nb = 2\nc = 3\nd = 4\n")
    with headless(_init(repo), repo) as nv:
        _open(nv, "m.py")
        nv.command("2,4Tracemark mark chat gpt-4.1")
        spans = nv.wait(f"(function() local s = {SPANS}; return s and #s > 0 and s end)()",
                        "the marked span")
        assert [(s["tool"], s["model"], s["confidence"]) for s in spans] == [
            ("chat", "gpt-4.1", "declared")]
        assert spans[0]["range"]["start"]["line"] == 1
        nv.command("3Tracemark human")
        nv.wait(f"(function() local s = {SPANS}; return s and #s == 2 end)()",
                "the span split by the human line")
        nv.command("2Tracemark reviewed")
        nv.command("write")
        lines = _blame(repo, "m.py", lambda ls: len(ls) >= 4 and ls[1]["reviewed"])
    assert [(e["kind"], e.get("tool")) for e in lines[:4]] == [
        ("human", None), ("reviewed", "chat"), ("human", None), ("ai", "chat")]
    assert lines[1]["reviewed"] and not lines[3]["reviewed"]


def test_tracemark_blame_stats_and_bad_subcommand(repo: Path) -> None:
    """``:Tracemark blame`` shows the CLI's per-line blame in a scratch window,
    ``:Tracemark stats`` the buffer's AI share; an unknown subcommand is a one-line error."""
    (repo / "b.py").write_text("x = 1\ny = 2\n")
    tracemark("mark", "b.py", "--lines", "2-2", "--tool", "cursor", cwd=repo)
    with headless(_init(repo), repo) as nv:
        _open(nv, "b.py")
        nv.wait(f"(function() local s = {SPANS}; return s and #s > 0 end)()",
                "the ledger's span, restored on open")
        assert nv.nvim.command_output("Tracemark stats") == "AI 50%: 1 of 2 lines · cursor 1"
        nv.command("Tracemark blame")
        blame = nv.wait("vim.bo.buftype == 'nofile' and vim.api.nvim_buf_get_lines(0, 0, -1, "
                        "false)", "the blame window")
        assert "ai" in blame[1] and "cursor" in blame[1] and "y = 2" in blame[1]
        assert "ai" not in blame[0].split("|")[0]
        with pytest.raises(Exception, match="Tracemark"):
            nv.command("Tracemark bogus")


def test_checkhealth_tracemark(repo: Path) -> None:
    """``:checkhealth tracemark`` reports Neovim, the inline-completion hook, the server
    command's version and the attached client."""
    (repo / "h.py").write_text("x = 1\n")
    with headless(_init(repo), repo) as nv:
        _open(nv, "h.py")
        nv.command("checkhealth tracemark")
        report = "\n".join(nv.lines())
    assert "OK Neovim 0.12" in report
    assert "OK capturing accepts from vim.lsp.inline_completion.get" in report
    assert "OK tracemark 0.1.0" in report
    assert "OK language server running: tracemark 0.1.0" in report
    assert "attached to 1 buffer" in report
    assert "ERROR" not in report


def test_copilot_lua_accept_is_captured(repo: Path, tmp_path: Path) -> None:
    """copilot.lua hook: ``require('copilot.suggestion').accept()`` is wrapped; the text it
    applies (later, from a scheduled callback) is marked AI with tool ``copilot``."""
    rtp = tmp_path / "copilot-lua"
    (rtp / "lua" / "copilot").mkdir(parents=True)
    (rtp / "lua" / "copilot" / "suggestion.lua").write_text(COPILOT_LUA)
    (repo / "c.py").write_text("import os\n\n")
    extra = f"vim.opt.rtp:append({lua_str(rtp)})"
    with headless(_init(repo, extra), repo) as nv:
        assert nv.lua("return require('tracemark.capture').status.copilot_lua") is True
        _open(nv, "c.py")
        nv.command("2")
        nv.lua("require('copilot.suggestion').accept()")
        spans = nv.wait(f"(function() local s = {SPANS}; return s and #s > 0 and s end)()",
                        "the copilot.lua span")
    assert spans[0]["tool"] == "copilot" and spans[0]["confidence"] == "exact"
    assert spans[0]["range"] == {"start": {"line": 1, "character": 0},
                                 "end": {"line": 1, "character": 26}}


def test_copilot_vim_accept_is_captured(repo: Path, tmp_path: Path) -> None:
    """copilot.vim hook: the insert-mode mapping that calls ``copilot#Accept()`` (its default
    ``<expr>`` <Tab> map) is wrapped; the text typed in from its keys is marked AI with tool
    ``copilot``."""
    rtp = tmp_path / "copilot-vim"
    (rtp / "plugin").mkdir(parents=True)
    (rtp / "autoload").mkdir()
    (rtp / "plugin" / "copilot.vim").write_text(COPILOT_VIM_PLUGIN)
    (rtp / "autoload" / "copilot.vim").write_text(COPILOT_VIM_AUTOLOAD)
    (repo / "v.py").write_text("import os\n\n")
    extra = f"vim.opt.rtp:append({lua_str(rtp)})"
    with headless(_init(repo, extra), repo) as nv:
        _open(nv, "v.py")
        nv.input("2GA<Tab><Esc>")
        nv.wait("vim.api.nvim_buf_get_lines(0, 1, 2, false)[1] == "
                "\"password = 'from copilot.vim'\"", "the keys copilot#Accept returned")
        assert nv.lua("return require('tracemark.capture').status.copilot_vim") is True
        spans = nv.wait(f"(function() local s = {SPANS}; return s and #s > 0 and s end)()",
                        "the copilot.vim span")
    assert spans[0]["tool"] == "copilot"
    assert spans[0]["range"] == {"start": {"line": 1, "character": 0},
                                 "end": {"line": 1, "character": 29}}


DIFF_CASES = [
    # old lines, new lines, inserted region (start row, col, end row, col) or None
    (["import subprocess", "", ""], ["import subprocess", "", "def run():", "  x"],
     [2, 0, 3, 3]),
    (["a", "b"], ["a", "x", "b"], [1, 0, 2, 0]),
    (["def r"], ["def run(cmd):", "  pass"], [0, 5, 1, 6]),
    (["f()"], ["f(abc)"], [0, 2, 0, 5]),
    (["é"], ["éé"], [0, 2, 0, 4]),
    (["abc"], ["ac"], None),
    (["a", "b", "c"], ["a", "c"], None),
    (["same"], ["same"], None),
]


def test_accept_diff_finds_the_inserted_region(repo: Path) -> None:
    """The accept diff (lua/tracemark/diff.lua): the new text's region, in bytes, with what
    was already there (typed prefix, auto-closed suffix) left out."""
    with headless(_init(repo), repo) as nv:
        got = nv.lua("""
          local d = require('tracemark.diff')
          local out = {}
          for i, case in ipairs(...) do
            local r = d.inserted(case[1], case[2])
            out[i] = r and { r.start_row, r.start_col, r.end_row, r.end_col } or vim.NIL
          end
          return out
        """, [[old, new] for old, new, _ in DIFF_CASES])
    assert got == [want for _, _, want in DIFF_CASES]
