"""Attest: provenance records from staged content, trailers, signers and git hooks.

The API other stages use (the CI gate, ``stats``, ``blame --rev``) is :func:`verify_commit`
with its result types; everything is imported lazily so that the git hooks, which import this
package, start fast.

- ``record.py``: the record from staged content (ledger spans re-anchored onto staged blobs)
- ``changes.py`` / ``lines.py``: the lines a commit adds, and their hashes (the binding)
- ``trailers.py``: the commit-message format (``docs/trailers.md``)
- ``signers/``: SSH (``ssh-keygen -Y``) and Sigstore (DSSE, in-toto Statement v1)
- ``verify.py``: signature, binding and ``Assisted-by`` checks of one commit
- ``hook.py`` / ``githooks.py``: what the hooks run, and installing them
- ``stats.py`` / ``blame_rev.py``: per-commit and per-line views built on verification
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from tracemark.attest.verify import SigstorePolicy, verify_commit, verify_range
    from tracemark.model import (
        AttestedLines,
        ChangedLines,
        CommitStatus,
        CommitVerification,
        RecordVerification,
    )

__all__ = [
    "AttestedLines",
    "ChangedLines",
    "CommitStatus",
    "CommitVerification",
    "RecordVerification",
    "SigstorePolicy",
    "verify_commit",
    "verify_range",
]


def __getattr__(name: str) -> Any:
    if name in ("verify_commit", "verify_range", "SigstorePolicy"):
        from tracemark.attest import verify

        return getattr(verify, name)
    if name in __all__:
        import tracemark.model as model

        return getattr(model, name)
    raise AttributeError(name)
