"""The attestation fixtures (real repositories, real `ssh-keygen` keys, real hooks), shared by
`tests/attest/` and `tests/proof/` through their conftest files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from attest_support import Keys, configure_signing, make_keys

from support import tracemark


@pytest.fixture(scope="session")
def _rules_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(autouse=True)
def _shared_user_cache(_rules_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One user cache for the session, as a developer has across repositories (the hooks keep
    the compiled rule set there); every test still has its own HOME."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(_rules_cache))


@pytest.fixture(scope="session")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    """Two ed25519 keys made by ``ssh-keygen``: ``dev`` is an allowed signer, ``stranger`` not."""
    return make_keys(tmp_path_factory.mktemp("keys"))


@pytest.fixture
def arepo(repo: Path, keys: Keys) -> Iterator[Path]:
    """A repository with SSH signing configured the git way and tracemark's hooks installed."""
    configure_signing(repo, keys)
    out = tracemark("hooks", "install", cwd=repo)
    assert out.returncode == 0, out.stderr
    yield repo
