"""Jobs of the web app, persisted in SQLite under --data (they survive restarts).

A job is `queued` → `running` (stage `pose`, then `overlay`) → `done` or `failed`. Every
claim counts an attempt; a job whose analysis was cut short (server restart, worker crash)
is queued again until it has had MAX_ATTEMPTS, then fails with a message saying so.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from formcheck.io.locks import hold_folder_lock
from formcheck.texts import LANGS, ui_text

MAX_ATTEMPTS = 2
GAVE_UP = "web_err_gave_up"  # ui text: interrupted too often, stopped

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
    updated REAL NOT NULL,
    stage TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0
)
"""
# Columns added after the first release, for data folders made by an older formcheck.
ADDED_COLUMNS = {"stage": "TEXT NOT NULL DEFAULT 'queued'",
                 "attempts": "INTEGER NOT NULL DEFAULT 0"}


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
    stage: str
    attempts: int


COLUMNS = ", ".join(Job.__dataclass_fields__)


def new_job_id() -> str:
    """Unguessable: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


def lock_data_dir(data_dir: Path) -> IO:
    """One server per data folder: returns the held lock (keep it open while serving)."""
    return hold_folder_lock(data_dir / ".formcheck-serve.lock", "server_busy",
                            path=str(data_dir))


class JobStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(SCHEMA)
            present = {row[1] for row in db.execute("PRAGMA table_info(jobs)")}
            for name, declaration in ADDED_COLUMNS.items():
                if name not in present:
                    db.execute(f"ALTER TABLE jobs ADD COLUMN {name} {declaration}")

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
            row = db.execute(f"SELECT {COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return Job(*row) if row else None

    def claim_next(self) -> Job | None:
        """The oldest queued job, marked running with one more attempt counted."""
        with self._connect() as db:
            while True:
                row = db.execute("SELECT id FROM jobs WHERE state = 'queued' ORDER BY created "
                                 "LIMIT 1").fetchone()
                if row is None:
                    return None
                claimed = db.execute(
                    "UPDATE jobs SET state = 'running', stage = 'pose', attempts = attempts + 1,"
                    " frames_done = 0, updated = ? WHERE id = ? AND state = 'queued'",
                    (time.time(), row[0])).rowcount
                if claimed:
                    return self.get(row[0])

    def progress(self, job_id: str, stage: str, done: int, total: int) -> None:
        with self._connect() as db:
            db.execute("UPDATE jobs SET stage = ?, frames_done = ?, frames_total = ?, "
                       "updated = ? WHERE id = ? AND state = 'running'",
                       (stage, done, total, time.time(), job_id))

    def finish(self, job_id: str, error: str | None = None) -> None:
        with self._connect() as db:
            db.execute("UPDATE jobs SET state = ?, stage = ?, error = ?, updated = ? "
                       "WHERE id = ?", ("failed" if error else "done",
                                        "failed" if error else "done", error, time.time(),
                                        job_id))

    def interrupted(self, job_id: str) -> str:
        """A running job whose worker stopped without finishing: queue it again, or give up
        after MAX_ATTEMPTS. Returns the job's new state."""
        with self._connect() as db:
            row = db.execute("SELECT state, attempts, lang FROM jobs WHERE id = ?",
                             (job_id,)).fetchone()
            if row is None or row[0] != "running":
                return row[0] if row else "missing"
            if row[1] >= MAX_ATTEMPTS:
                db.execute("UPDATE jobs SET state = 'failed', stage = 'failed', error = ?, "
                           "updated = ? WHERE id = ?",
                           (ui_text(GAVE_UP, row[2] if row[2] in LANGS else "en").format(
                               n=row[1]), time.time(), job_id))
                return "failed"
            db.execute("UPDATE jobs SET state = 'queued', stage = 'queued', frames_done = 0, "
                       "updated = ? WHERE id = ?", (time.time(), job_id))
            return "queued"

    def release(self, job_id: str) -> None:
        """A running job stopped by an orderly shutdown: queued again, attempt not counted."""
        with self._connect() as db:
            db.execute("UPDATE jobs SET state = 'queued', stage = 'queued', frames_done = 0, "
                       "attempts = MAX(attempts - 1, 0), updated = ? "
                       "WHERE id = ? AND state = 'running'", (time.time(), job_id))

    def requeue_interrupted(self) -> int:
        """After a restart: jobs that were running are queued again (uploads are kept), or
        fail if they already had MAX_ATTEMPTS. Returns how many were queued again."""
        with self._connect() as db:
            ids = [row[0] for row in db.execute("SELECT id FROM jobs WHERE state = 'running'")]
        return sum(self.interrupted(job_id) == "queued" for job_id in ids)

    def count(self, state: str) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM jobs WHERE state = ?", (state,)).fetchone()[0]

    def position(self, job: Job) -> int:
        """How many queued jobs are ahead of this one."""
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND created < ?",
                              (job.created,)).fetchone()[0]
