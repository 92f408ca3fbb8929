"""The ledger's SQLite schema and its migrations."""

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- One row per file tracemark has seen: the text its spans are anchored to.
CREATE TABLE IF NOT EXISTS files (
    id         INTEGER PRIMARY KEY,
    path       TEXT NOT NULL UNIQUE,      -- repository-relative, POSIX separators
    content    BLOB NOT NULL,             -- zlib-compressed UTF-8 text
    sha256     TEXT NOT NULL,             -- of the uncompressed text
    revision   INTEGER NOT NULL,          -- bumped on every write, so readers see changes
    updated_at TEXT NOT NULL,
    writer     TEXT
);
-- Distinct origins, shared by spans (a session writes thousands of spans with one origin).
CREATE TABLE IF NOT EXISTS origins (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,      -- canonical JSON of the origin
    kind       TEXT NOT NULL,
    tool       TEXT,
    model      TEXT,
    session    TEXT,
    confidence TEXT NOT NULL,
    time       TEXT NOT NULL,
    reviewed_at TEXT,
    source     TEXT
);
CREATE TABLE IF NOT EXISTS spans (
    file_id   INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    start     INTEGER NOT NULL,           -- code points into files.content
    "end"     INTEGER NOT NULL,
    origin_id INTEGER NOT NULL REFERENCES origins(id),
    PRIMARY KEY (file_id, start)
) WITHOUT ROWID;
-- Append-only journal of writes: who recorded what, for audits and crash forensics.
CREATE TABLE IF NOT EXISTS events (
    id      INTEGER PRIMARY KEY,
    time    TEXT NOT NULL,
    writer  TEXT,
    path    TEXT NOT NULL,
    action  TEXT NOT NULL,
    detail  TEXT
);
"""
