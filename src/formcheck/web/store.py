"""Jobs of the web app, persisted in SQLite under --data (they survive restarts)."""

from __future__ import annotations

import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    input TEXT NOT NULL,
    display_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    height_cm REAL,
    view TEXT,
    lang TEXT NOT NULL,
    error TEXT,
    frames_done INTEGER NOT NULL DEFAULT 0,
    frames_total INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    updated REAL NOT NULL
)
"""


@dataclass(frozen=True)
class Job:
    id: str
    state: str
    input: str
    display_name: str
    size: int
    height_cm: float | None
    view: str | None
    lang: str
    error: str | None
    frames_done: int
    frames_total: int
    created: float
    updated: float


def new_job_id() -> str:
    """Unguessable: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


class JobStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA synchronous=FULL")
        return db

    def add(self, job_id: str, input_path: Path, display_name: str, size: int,
            height_cm: float | None, view: str | None, lang: str) -> None:
        now = time.time()
        with self._connect() as db:
            db.execute("INSERT INTO jobs (id, state, input, display_name, size, height_cm, "
                       "view, lang, created, updated) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, "
                       "?, ?)", (job_id, str(input_path), display_name, size, height_cm, view,
                                 lang, now, now))

    def get(self, job_id: str) -> Job | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return Job(*row) if row else None

    def claim_next(self) -> Job | None:
        """The oldest queued job, marked running (one dispatcher thread calls this)."""
        with self._connect() as db:
            row = db.execute("SELECT * FROM jobs WHERE state = 'queued' ORDER BY created "
                             "LIMIT 1").fetchone()
            if row is None:
                return None
            db.execute("UPDATE jobs SET state = 'running', updated = ? WHERE id = ?",
                       (time.time(), row[0]))
        return self.get(row[0])

    def progress(self, job_id: str, done: int, total: int) -> None:
        with self._connect() as db:
            db.execute("UPDATE jobs SET frames_done = ?, frames_total = ?, updated = ? "
                       "WHERE id = ?", (done, total, time.time(), job_id))

    def finish(self, job_id: str, error: str | None = None) -> None:
        with self._connect() as db:
            db.execute("UPDATE jobs SET state = ?, error = ?, updated = ? WHERE id = ?",
                       ("failed" if error else "done", error, time.time(), job_id))

    def requeue_interrupted(self) -> int:
        """After a restart: jobs that were running go back to the queue (uploads are kept)."""
        with self._connect() as db:
            return db.execute("UPDATE jobs SET state = 'queued', frames_done = 0 "
                              "WHERE state = 'running'").rowcount

    def count(self, state: str) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM jobs WHERE state = ?", (state,)).fetchone()[0]
