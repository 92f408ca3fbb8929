"""Fixtures for the gate's tests: a real repository with real keys and real hooks."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate_support import GateRepo, make_gate_repo


@pytest.fixture
def gate_repo(tmp_path: Path) -> GateRepo:
    return make_gate_repo(tmp_path)
