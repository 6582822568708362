"""A folder owned by one formcheck process at a time (batch, web server)."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

from formcheck.errors import OutputError


def hold_folder_lock(lock_path: Path, busy_message: str, hint: str) -> IO:
    """Take the lock file's exclusive lock or raise OutputError; keep the returned handle
    open while working (the kernel releases the lock when the process ends, even if killed)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = lock_path.open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise OutputError(busy_message, hint) from exc
    return handle
