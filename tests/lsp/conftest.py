"""Fixtures for the end-to-end tests of ``tracemark serve`` (helpers in ``tests/lsp_harness.py``).

``lsp`` is a factory: ``s = await lsp("neovim", "utf-8", init={...})`` starts the real server
over stdio with that editor's capabilities and encoding; every session is shut down at the end
of the test. ``workspace`` is a plain folder (not a git repository); use the root conftest's
``repo`` fixture for documents whose spans go to the ledger.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from lsp_harness import Session, Starter, start_session, stop_session


@pytest_asyncio.fixture
async def lsp(tmp_path: Path) -> AsyncIterator[Starter]:
    sessions: list[Session] = []

    async def start(profile: str = "vscode", encoding: str | None = None, *,
                    root: Path | None = None, **kwargs: Any) -> Session:
        session = await start_session(profile, encoding, root=root or tmp_path, **kwargs)
        sessions.append(session)
        return session

    yield start
    for session in sessions:
        await stop_session(session)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A plain folder (not a git repository): documents in it are kept in memory only."""
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder
