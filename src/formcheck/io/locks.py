"""A folder owned by one formcheck process at a time (batch, web server)."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from formcheck.errors import OutputError


def hold_folder_lock(lock_path: Path, busy_error: str, /, **params: str) -> IO:
    """Take the lock file's exclusive lock or raise OutputError `busy_error` (a key of
    data/errors.json) with `params`; keep the returned handle open while working (the kernel
    releases the lock when the process ends, even if killed)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path.open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise OutputError.coded(busy_error, **params) from exc
    return handle
