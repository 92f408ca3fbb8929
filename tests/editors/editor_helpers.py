"""Helpers for the editor tests: the AI completion double and a client talking to the proxy."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

HERE = Path(__file__).resolve().parent
DOUBLE = HERE / "completion_double.py"
SPANS = "tracemark/spans"


def plain(value: Any) -> Any:
    """pygls hands unknown notifications' params over as namedtuples: back to JSON shapes."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def double_command(log: Path, *args: str) -> list[str]:
    return [sys.executable, str(DOUBLE), "--log", str(log), *args]


def read_log(log: Path) -> list[dict[str, Any]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


class Recorder:
    """What the server pushed to the client that pytest-lsp does not keep itself."""

    def __init__(self, client: LanguageClient) -> None:
        self.spans: dict[str, list[dict[str, Any]]] = {}
        self.changed = asyncio.Event()

        @client.feature(SPANS)
        def on_spans(params: Any) -> None:
            p = plain(params)
            self.spans.setdefault(p["uri"], []).append(p)
            self.changed.set()

    async def wait_spans(self, uri: str, check: Any, timeout: float = 10.0) -> dict[str, Any]:
        """The first ``tracemark/spans`` payload for ``uri`` that satisfies ``check``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for payload in self.spans.get(uri, []):
                if check(payload):
                    return payload
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"no matching tracemark/spans for {uri} in {timeout}s: "
                                     f"{self.spans.get(uri)}")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)


@contextlib.asynccontextmanager
async def proxied_client(cwd: Path, wrapped: list[str], *, extra: list[str] = (),
                         configuration: dict[str, Any] | None = None,
                         semgrep: bool = False,
                         ) -> AsyncIterator[tuple[LanguageClient, Recorder,
                                                  types.InitializeResult]]:
    """A test client talking to ``tracemark serve --wrap WRAPPED`` over stdio. The semgrep tier
    is off unless asked for: these tests are about the proxy, and semgrep costs seconds."""
    client = make_test_lsp_client()
    if configuration:
        for section, value in configuration.items():
            client.set_configuration(value, section=section)
    recorder = Recorder(client)
    await client.start_io(sys.executable, "-m", "tracemark", "serve", *extra, "--wrap",
                          *wrapped, cwd=str(cwd))
    try:
        result = await asyncio.wait_for(client.initialize_session(types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=cwd.as_uri(),
            initialization_options=None if semgrep else {"semgrep": False},
            workspace_folders=[types.WorkspaceFolder(uri=cwd.as_uri(), name=cwd.name)],
        )), 30)
        yield client, recorder, result
        await asyncio.wait_for(client.shutdown_session(), 30)
    finally:
        server = client._server
        if server is not None and server.returncode is None:
            # A failed test: the editor goes away; the server must notice and exit.
            if server.stdin is not None:
                server.stdin.close()
            try:
                await asyncio.wait_for(server.wait(), 10)
            except TimeoutError:
                server.kill()
        await client.stop()
