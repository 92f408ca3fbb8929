"""Shared, expensive setup for the rules tests: the packaged rules, compiled once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracemark.rules.engine import Engine
from tracemark.rules.fixtures import fixture_files
from tracemark.rules.loader import RuleSet, load_rules


@pytest.fixture(scope="session")
def pack() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="session")
def pack_engine(pack: RuleSet) -> Engine:
    engine = Engine(pack)
    engine.compile_all()
    return engine


@pytest.fixture(scope="session")
def pack_fixtures(pack: RuleSet) -> dict[str, list[Path]]:
    return {r.id: fixture_files(r) for r in pack}
