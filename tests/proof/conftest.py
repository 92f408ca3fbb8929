"""Fixtures for the proof suites (issue 11): real repositories, keys and hooks, as the
attestation tests use them (``tests/attest_fixtures.py``)."""

from attest_fixtures import _rules_cache, _shared_user_cache, arepo, keys  # noqa: F401
