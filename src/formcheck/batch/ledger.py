"""The job ledger (SQLite): one row per clip with its content hash and state.

It is the single source of truth of a batch: a clip is done when its row says so for the
current content hash; a killed run leaves rows 'running', which the next run sets back to
'pending'. Result files are written atomically before a row becomes 'done'.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from formcheck.io.hashing import sha256_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS clips (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    athlete TEXT NOT NULL,
    session TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
    out_dir TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    completions INTEGER NOT NULL DEFAULT 0,
    updated REAL NOT NULL
)
"""


@dataclass(frozen=True)
class Row:
    path: str
    sha256: str
    athlete: str
    session: str
    state: str
    out_dir: str | None
    error: str | None
    attempts: int
    completions: int


class Ledger:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def _row(self, path: str) -> Row | None:
        r = self.db.execute("SELECT path, sha256, athlete, session, state, out_dir, error, "
                            "attempts, completions FROM clips WHERE path = ?", (path,)).fetchone()
        return Row(*r) if r else None

    def content_hash(self, path: Path) -> str:
        """sha256 of the file, reused while size and mtime are unchanged."""
        stat = path.stat()
        r = self.db.execute("SELECT sha256 FROM clips WHERE path = ? AND size = ? AND mtime = ?",
                            (str(path), stat.st_size, stat.st_mtime)).fetchone()
        return r[0] if r else sha256_of(path)

    def register(self, path: Path, athlete: str, session: str) -> Row:
        """Add or refresh a clip; a changed file (new hash) goes back to 'pending'."""
        stat = path.stat()
        digest = self.content_hash(path)
        existing = self._row(str(path))
        now = time.time()
        if existing is None:
            self.db.execute("INSERT INTO clips (path, sha256, size, mtime, athlete, session, "
                            "state, updated) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
                            (str(path), digest, stat.st_size, stat.st_mtime, athlete, session,
                             now))
        elif existing.sha256 != digest:
            self.db.execute("UPDATE clips SET sha256 = ?, size = ?, mtime = ?, state = "
                            "'pending', error = NULL, athlete = ?, session = ?, updated = ? "
                            "WHERE path = ?", (digest, stat.st_size, stat.st_mtime, athlete,
                                               session, now, str(path)))
        else:
            self.db.execute("UPDATE clips SET size = ?, mtime = ?, athlete = ?, session = ? "
                            "WHERE path = ?", (stat.st_size, stat.st_mtime, athlete, session,
                                               str(path)))
        return self._row(str(path))  # type: ignore[return-value]

    def recover(self) -> int:
        """Rows left 'running' by a killed run become 'pending' again."""
        return self.db.execute("UPDATE clips SET state = 'pending' WHERE state = 'running'"
                               ).rowcount

    def start(self, path: str) -> None:
        self.db.execute("UPDATE clips SET state = 'running', attempts = attempts + 1, "
                        "updated = ? WHERE path = ?", (time.time(), path))

    def finish(self, path: str, sha256: str, out_dir: str) -> None:
        self.db.execute("UPDATE clips SET state = 'done', out_dir = ?, error = NULL, "
                        "completions = completions + 1, updated = ? "
                        "WHERE path = ? AND sha256 = ?", (out_dir, time.time(), path, sha256))

    def fail(self, path: str, error: str) -> None:
        self.db.execute("UPDATE clips SET state = 'failed', error = ?, updated = ? "
                        "WHERE path = ?", (error, time.time(), path))

    def rows(self, state: str | None = None) -> list[Row]:
        query = "SELECT path, sha256, athlete, session, state, out_dir, error, attempts, " \
                "completions FROM clips"
        args: tuple = ()
        if state:
            query += " WHERE state = ?"
            args = (state,)
        return [Row(*r) for r in self.db.execute(query + " ORDER BY athlete, session, path",
                                                 args)]
