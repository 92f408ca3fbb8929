"""Fixtures for attestation tests: real repositories, real ``ssh-keygen`` keys, real hooks."""

from attest_fixtures import _rules_cache, _shared_user_cache, arepo, keys  # noqa: F401
