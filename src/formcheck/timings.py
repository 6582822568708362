"""Where a run's time goes: seconds per stage, summed over threads (so stages that overlap
on two cores can add up to more than the wall time).

Always on and cheap (two clock reads per block). `formcheck analyze` writes them to the file
named by FORMCHECK_TIMINGS, which `benchmarks/throughput.py` reads for its breakdown.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TIMINGS_ENV = "FORMCHECK_TIMINGS"

_lock = threading.Lock()
_seconds: dict[str, float] = {}


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Add the block's duration to `stage`."""
    start = time.perf_counter()
    try:
        yield
    finally:
        add(stage, time.perf_counter() - start)


def add(stage: str, seconds: float) -> None:
    with _lock:
        _seconds[stage] = _seconds.get(stage, 0.0) + seconds


def snapshot() -> dict[str, float]:
    with _lock:
        return dict(_seconds)


def reset() -> None:
    with _lock:
        _seconds.clear()


def write_if_asked(extra: dict[str, float] | None = None) -> None:
    """Write the stage seconds (and `extra`) as JSON where FORMCHECK_TIMINGS points."""
    target = os.environ.get(TIMINGS_ENV)
    if target:
        Path(target).write_text(json.dumps({**snapshot(), **(extra or {})}, indent=1))
