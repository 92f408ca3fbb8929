"""Fixtures for tests/report/: the known history of ``report_support``, and copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from report_support import History, make_history


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    """Built once per test process; tests that change a repository work on ``work``."""
    return make_history(tmp_path_factory.mktemp("report"))


@pytest.fixture
def work(history: History, tmp_path: Path) -> Path:
    """A copy of the history's repository (working tree and .git) that a test may change."""
    dest = tmp_path / "copy"
    shutil.copytree(history.root, dest, symlinks=True)
    return dest
