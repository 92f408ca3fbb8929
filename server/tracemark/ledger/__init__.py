"""The per-repository SQLite store of spans, shared by the server, git hooks and agent hooks."""

from tracemark.ledger.store import FileRecord, Ledger, LedgerError, open_ledger, writer_name

__all__ = ["FileRecord", "Ledger", "LedgerError", "open_ledger", "writer_name"]
