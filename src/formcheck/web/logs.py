"""The web server's log: requests, job state changes and worker crashes, readable by the person
running it, without upload contents and without job ids in clear (a job id is the key to a
runner's video and results, so logs show a short one-way tag instead)."""

from __future__ import annotations

import hashlib
import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

# `store.new_job_id` (22 URL-safe characters), wherever a path names a job
JOB_ID = re.compile(r"(?<=/jobs/)[A-Za-z0-9_-]{16,}")
LOG_NAME = "server.log"


def job_tag(job_id: str) -> str:
    """A short tag that names a job in the log without revealing its id."""
    return "job#" + hashlib.sha256(job_id.encode()).hexdigest()[:8]


class RedactJobIds(logging.Filter):
    """Replace job ids in a record (e.g. request paths) by their tags."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if JOB_ID.search(message):
            record.msg = JOB_ID.sub(lambda m: job_tag(m.group(0)), message)
            record.args = None
        return True


def configure(data_dir: Path) -> Path:
    """Log formcheck's and uvicorn's messages (requests included) to stderr and to
    `data_dir/server.log` (rotated at 5 MB, 3 kept); returns the log file."""
    path = data_dir / LOG_NAME
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact = RedactJobIds()
    handlers: list[logging.Handler] = [
        RotatingFileHandler(path, maxBytes=5 << 20, backupCount=3, encoding="utf-8"),
        logging.StreamHandler()]
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(redact)
    for name in ("formcheck", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.handlers[:] = handlers
        logger.propagate = False
    return path
