"""Running the proxy on stdio: ``tracemark serve --wrap CMD…``."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import sys

from tracemark.errors import InputError
from tracemark.lsp.proxy.framing import FramingError, read_message
from tracemark.lsp.proxy.router import Proxy

log = logging.getLogger("tracemark.lsp.proxy")



def check_command(command: list[str]) -> None:
    """A one-line error now, rather than a server that cannot do what was asked."""
    if not command:
        raise InputError("--wrap needs the command of the language server to wrap")
    exe = command[0]
    if os.sep in exe or (os.altsep and os.altsep in exe):
        if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
            raise InputError(f"--wrap {exe}: no such executable file")
    elif shutil.which(exe) is None:
        raise InputError(f"--wrap {exe}: not found on PATH")


async def _stdin_reader() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def serve_proxy(command: list[str], *, tool: str | None = None,
                      model: str | None = None) -> int:
    """Run the proxy on stdio until the editor says ``exit`` or goes away."""
    from tracemark.lsp import create_server

    out = sys.stdout.buffer

    def write(data: bytes) -> None:
        out.write(data)
        out.flush()

    server = create_server()
    proxy = Proxy(command, server, tool=tool, model=model, write_client=write)
    await proxy.start_wrapped()
    reader = await _stdin_reader()

    async def pump() -> None:
        while True:
            try:
                body = await read_message(reader)
            except FramingError as err:
                log.warning("editor: %s", err)
                continue
            if body is None:
                return
            try:
                msg = json.loads(body)
            except ValueError:
                log.warning("the editor sent a message that is not JSON: %r", body[:80])
                continue
            if not isinstance(msg, dict):
                continue
            await proxy.from_client(msg)
            if proxy.done.is_set():
                return
            # Reading buffered input does not yield: let the servers' own tasks (ledger
            # restores, diagnostics) run between messages, as pygls' own reader does.
            await asyncio.sleep(0)

    try:
        await pump()
    except (BrokenPipeError, ConnectionResetError):
        log.error("connection to the editor lost")
    finally:
        await proxy.stop()
        server.shutdown()  # waits for queued ledger writes
    return 0 if proxy.shutdown_requested else 1


def run_proxy(command: list[str], *, tool: str | None = None, model: str | None = None) -> int:
    check_command(command)
    return asyncio.run(serve_proxy(command, tool=tool, model=model))
