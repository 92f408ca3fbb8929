"""Neovim (issue 10), in a real headless Neovim 0.12 with the real ``tracemark serve``.

The AI completion double (a real LSP server) offers insecure code; the user accepts it with
``vim.lsp.inline_completion.get()`` on <Tab> as Neovim's docs suggest. With the plugin
(``require('tracemark').setup{}``) and through proxy mode with no plugin, the accepted code
becomes an AI span (tool from the completion server) with the rule's diagnostic in
``vim.diagnostic``, edits above shift both, ``:w`` records the span in the ledger
(``tracemark blame --json``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from editor_helpers import DOUBLE, read_log
from nvim_driver import PLUGIN, Nvim, headless, lua_list, lua_str, nvim_binary

from support import tracemark

pytestmark = [pytest.mark.nvim, pytest.mark.timeout(180)]

if nvim_binary() is None:  # pragma: no cover - the dev extra installs it
    pytest.skip("no nvim (install the dev extra)", allow_module_level=True)

SOURCE = "import subprocess\n\n\n"
COMPLETION = ["def run(cmd):", "    return subprocess.run(cmd, shell=True)"]

COMMON = """
vim.opt.swapfile = false
vim.opt.signcolumn = 'yes'
vim.opt.shortmess:append('I')
vim.lsp.log.set_level('warn')
vim.lsp.config('double', {{
  cmd = {double},
  filetypes = {{ 'python' }},
  root_markers = {{ '.git' }},
}})
vim.lsp.enable('double')
vim.lsp.inline_completion.enable()
vim.keymap.set('i', '<Tab>', function()
  if not vim.lsp.inline_completion.get() then
    return '<Tab>'
  end
end, {{ expr = true }})
"""

WITH_PLUGIN = COMMON + """
vim.opt.rtp:prepend({plugin})
require('tracemark').setup({{ cmd = {tracemark} }})
"""

# Proxy mode: no tracemark plugin, the completion server is started through tracemark.
# The handler only records what arrives, for the test to look at.
PROXY = """
vim.opt.swapfile = false
vim.opt.shortmess:append('I')
vim.lsp.log.set_level('warn')
_G.seen_spans = {{}}
vim.lsp.config('ai', {{
  cmd = {proxy},
  filetypes = {{ 'python' }},
  root_markers = {{ '.git' }},
  handlers = {{
    ['tracemark/spans'] = function(_, result) _G.seen_spans[#_G.seen_spans + 1] = result end,
  }},
}})
vim.lsp.enable('ai')
vim.lsp.inline_completion.enable()
vim.keymap.set('i', '<Tab>', function()
  if not vim.lsp.inline_completion.get() then
    return '<Tab>'
  end
end, {{ expr = true }})
"""

# The rule's diagnostic in vim.diagnostic: {row, source, severity} of py-subprocess-shell.
DIAGNOSTIC = """(function()
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.code == 'py-subprocess-shell' then
      return { d.lnum, d.source, d.severity, d.message }
    end
  end
end)()"""

GHOST = ("#vim.api.nvim_buf_get_extmarks(0, vim.api.nvim_get_namespaces()"
         "['nvim.lsp.inline_completion'] or -1, 0, -1, {}) > 0")


def _tracemark_cmd() -> list[str]:
    return [sys.executable, "-m", "tracemark", "serve"]


def _accept_completion(nv: Nvim, clients: int) -> None:
    """Open app.py, go to the empty line 3, wait for the ghost text, press <Tab>."""
    nv.command("edit app.py")
    nv.wait(f"#vim.lsp.get_clients({{bufnr = 0}}) == {clients} and "
            "vim.iter(vim.lsp.get_clients({bufnr = 0})):all(function(c) "
            "return c.initialized end)", "the language servers to attach")
    nv.input("3GA")
    nv.wait(GHOST, "the inline completion's ghost text")
    nv.input("<Tab>")
    nv.wait(f"vim.api.nvim_buf_get_lines(0, 2, 3, false)[1] == {lua_str(COMPLETION[0])}",
            "the accepted completion in the buffer")
    nv.input("<Esc>")
    assert nv.lines() == ["import subprocess", "", *COMPLETION]


def _blame(repo: Path, rel: str, check: Any, timeout: float = 15.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        proc = tracemark("blame", rel, "--json", cwd=repo)
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(proc.stdout)
        assert doc["schema"] == "tracemark/blame/v1"
        if check(doc["lines"]):
            return doc["lines"]
        if time.monotonic() > deadline:
            raise AssertionError(f"blame never matched: {doc['lines']}")
        time.sleep(0.2)


def _commands_run(log: Path, timeout: float = 15.0) -> list[str]:
    """The commands the completion double executed, once it has executed one (the editor
    and the proxy run it asynchronously, after the span may already be there)."""
    deadline = time.monotonic() + timeout
    while True:
        done = [e["command"] for e in read_log(log) if "command" in e]
        if done or time.monotonic() > deadline:
            return done
        time.sleep(0.05)


def _kinds(lines: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(e["kind"], e.get("tool")) for e in lines]


PLUGIN_SPANS = ("(function() local s = require('tracemark.spans').by_buf["
                "vim.api.nvim_get_current_buf()]; return s and s.spans end)()")
SIGNS = ("vim.tbl_map(function(m) return m[2] end, vim.api.nvim_buf_get_extmarks(0, "
         "require('tracemark.spans').ns, 0, -1, {}))")


def test_nvim_plugin_accepted_completion_becomes_ai_span_shifts_and_is_saved(
        repo: Path, tmp_path: Path) -> None:
    """Neovim plugin: an accepted inline completion (vim.lsp.inline_completion.get on 0.12)
    becomes an exact AI span with the completion server's name as tool, shown as signs in the
    sign column, and its insecure line gets the rule's diagnostic (py-subprocess-shell) in
    vim.diagnostic; a line added above shifts span, signs and diagnostic; ``:w`` keeps the span
    in the ledger; the
    completion server's own item command still runs; ``:Tracemark stats`` counts it."""
    (repo / "app.py").write_text(SOURCE)
    log = tmp_path / "double.log"
    init = WITH_PLUGIN.format(
        double=lua_list([sys.executable, str(DOUBLE), "--log", str(log)]),
        plugin=lua_str(PLUGIN), tracemark=lua_list(_tracemark_cmd()))
    with headless(init, repo) as nv:
        _accept_completion(nv, clients=2)
        spans = nv.wait(f"(function() local s = {PLUGIN_SPANS}; return s and #s > 0 and "
                        "s[1].tool == 'completion-double' and s end)()",
                        "the AI span from tracemark/spans")
        assert len(spans) == 1
        assert spans[0]["kind"] == "ai" and spans[0]["confidence"] == "exact"
        assert spans[0]["range"]["start"] == {"line": 2, "character": 0}
        assert spans[0]["range"]["end"]["line"] == 3
        assert nv.lua(f"return {SIGNS}") == [2, 3], "signs on the two AI lines"
        lnum, source, severity, message = nv.wait(DIAGNOSTIC, "the rule's diagnostic")
        assert (lnum, source, severity) == (3, "tracemark", 1), "error on the shell=True line"
        assert "CWE-78" in message
        assert nv.lua("return require('tracemark').statusline()") == "AI 50%"
        # The completion server's own command ran too (Neovim's default accept behaviour).
        assert _commands_run(log) == ["double.accepted"]

        # Edits above shift it.
        nv.input("ggO# a comment added above<Esc>")
        nv.wait(f"(function() local s = {PLUGIN_SPANS}; return s and s[1] and "
                "s[1].range.start.line == 3 end)()", "the span to move down one line")
        assert nv.lua(f"return {SIGNS}") == [3, 4]
        nv.wait(f"({DIAGNOSTIC} or {{}})[1] == 4", "the diagnostic to move down one line")
        stats = nv.nvim.command_output("Tracemark stats")
        assert stats.startswith("AI 40%: 2 of 5 lines") and "completion-double 2" in stats

        # :w keeps it in the ledger.
        nv.command("write")
        lines = _blame(repo, "app.py", lambda ls: len(ls) >= 5 and ls[3]["kind"] == "ai")
    assert _kinds(lines)[3:5] == [("ai", "completion-double")] * 2
    assert all(k != "ai" for k, _ in _kinds(lines)[:3])


def test_nvim_proxy_mode_without_plugin_records_the_accepted_completion(
        repo: Path, tmp_path: Path) -> None:
    """Proxy mode with no plugin: plain ``vim.lsp`` pointed at ``tracemark serve --wrap
    <completion server>``; Neovim runs the item's command after inserting it, which tells
    tracemark exactly what was accepted; the rule's diagnostic reaches vim.diagnostic; edits
    above shift span and diagnostic; ``:w`` records the span; the
    completion server's original command runs (through the proxy)."""
    (repo / "app.py").write_text(SOURCE)
    log = tmp_path / "double.log"
    proxy = [*_tracemark_cmd(), "--wrap", sys.executable, str(DOUBLE), "--log", str(log)]
    with headless(PROXY.format(proxy=lua_list(proxy)), repo) as nv:
        assert nv.lua("return package.loaded['tracemark'] == nil")
        _accept_completion(nv, clients=1)
        last = ("(function() local s = _G.seen_spans[#_G.seen_spans]; "
                "return s and s.spans[1] and s.spans[1] end)()")
        span = nv.wait(f"(function() local s = {last}; return s and "
                       "s.tool == 'completion-double' and s end)()", "the proxy's AI span")
        assert span["confidence"] == "exact"
        assert span["range"]["start"] == {"line": 2, "character": 0}
        assert _commands_run(log) == ["double.accepted"], "the original command, via the proxy"
        lnum, source, severity, _ = nv.wait(DIAGNOSTIC, "the rule's diagnostic via the proxy")
        assert (lnum, source, severity) == (3, "tracemark", 1)

        nv.input("ggO# header<Esc>")
        nv.wait(f"(function() local s = {last}; return s and s.range.start.line == 3 end)()",
                "the span to move down one line")
        nv.wait(f"({DIAGNOSTIC} or {{}})[1] == 4", "the diagnostic to move down one line")
        nv.command("write")
        lines = _blame(repo, "app.py", lambda ls: len(ls) >= 5 and ls[3]["kind"] == "ai")
    assert _kinds(lines)[3:5] == [("ai", "completion-double")] * 2
    assert all(k != "ai" for k, _ in _kinds(lines)[:3])
