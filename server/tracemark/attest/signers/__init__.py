"""Signers: SSH (``ssh-keygen -Y``, the default, offline) and Sigstore keyless (opt-in).

A signer turns the canonical record bytes into the value of a ``Tracemark-Signature`` trailer;
a verifier checks that value against the bytes and says who signed. Both raise
:class:`SigningError` / :class:`SignatureInvalid` with a one-line reason.
"""

from __future__ import annotations


class SigningError(Exception):
    """Signing failed (no key, locked key, ssh-keygen missing, network down for sigstore)."""


class SignatureInvalid(Exception):
    """A signature that does not verify; ``str()`` is the reason shown to the user."""
