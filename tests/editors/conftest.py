"""Fixtures for the editor tests (helpers in ``editor_helpers.py`` beside this file)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def double_log(tmp_path: Path) -> Path:
    return tmp_path / "double.log"
