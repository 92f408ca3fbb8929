"""The per-repository SQLite store of spans, shared by the server, git hooks and agent hooks."""
