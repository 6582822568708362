"""Where clip jobs run: a local process pool, or a Ray cluster (optional extra)."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from formcheck.batch.jobs import Analyzer, ClipJob, ClipOutcome, process_clip
from formcheck.errors import FormcheckError


class Engine(Protocol):
    def run(self, jobs: list[ClipJob]) -> Iterator[ClipOutcome | None]:
        """Outcomes as they finish; None now and then so the caller can update progress."""

    def close(self) -> None: ...


class LocalEngine:
    """A process pool sized to the cores; each worker loads its own model per clip."""

    def __init__(self, workers: int, analyzer: Analyzer | None = None,
                 progress_queue: Any = None) -> None:
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))
        self.analyzer = analyzer
        self.queue = progress_queue

    def run(self, jobs: list[ClipJob]) -> Iterator[ClipOutcome | None]:
        pending: set[Future] = {self.pool.submit(process_clip, job, self.analyzer, self.queue)
                                for job in jobs}
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
            if not done:
                yield None

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class RayEngine:
    """The same jobs as Ray tasks; the driver keeps the ledger."""

    def __init__(self, address: str | None = None, analyzer: Analyzer | None = None,
                 num_cpus: int | None = None) -> None:
        try:
            import ray
        except ImportError as exc:
            raise FormcheckError.coded("ray_missing") from exc
        self.ray = ray
        self.started_here = not ray.is_initialized()
        if self.started_here:
            ray.init(address=address, num_cpus=num_cpus if address is None else None,
                     include_dashboard=False, log_to_driver=False)
        self.task = ray.remote(num_cpus=1)(process_clip)
        self.analyzer = analyzer

    def run(self, jobs: list[ClipJob]) -> Iterator[ClipOutcome | None]:
        pending = [self.task.remote(job, self.analyzer) for job in jobs]
        while pending:
            done, pending = self.ray.wait(pending, num_returns=1, timeout=0.5)
            for ref in done:
                yield self.ray.get(ref)
            if not done:
                yield None

    def close(self) -> None:
        if self.started_here:
            self.ray.shutdown()
