"""Attest: provenance records from staged content, trailers, signers and git hooks."""
