"""Feeds queued jobs to worker processes, at most `workers` at a time.

One process per job (spawned, so MediaPipe starts clean): a crash or an out-of-memory kill
takes down that job's process only, is noticed here, and the job is queued again or failed
(see `JobStore.interrupted`). On shutdown the running analyses are stopped; the next start
queues them again.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import threading
from multiprocessing.process import BaseProcess
from pathlib import Path

from formcheck.batch.jobs import Analyzer
from formcheck.config import Config
from formcheck.web.logs import job_tag
from formcheck.web.store import JobStore
from formcheck.web.worker import run_job

log = logging.getLogger("formcheck.web")  # configured by `web.logs.configure` in `serve`
POLL_S = 0.2


class Dispatcher:
    def __init__(self, store: JobStore, data_dir: Path, workers: int,
                 analyzer: Analyzer | None = None, config: Config | None = None) -> None:
        self.store, self.data_dir, self.workers, self.analyzer = store, data_dir, workers, analyzer
        self.config = config  # passed to each job's process (spawned: it is pickled)
        self.context = mp.get_context("spawn")
        self.running: dict[str, BaseProcess] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="formcheck-dispatcher",
                                       daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            try:
                self._reap()
                if len(self.running) < self.workers and (job := self.store.claim_next()):
                    self._launch(job.id)
                    continue
            except Exception:  # keep dispatching: one bad step must not stall every job
                log.exception("dispatcher step failed")
            self.stop.wait(POLL_S)

    def _launch(self, job_id: str) -> None:
        log.info("%s: analysis started", job_tag(job_id))
        process = self.context.Process(
            target=run_job,
            args=(job_id, str(self.data_dir), self.analyzer, os.getpid(), self.config,
                  max(1, (os.cpu_count() or 1) // self.workers)),
            name=f"formcheck-job-{job_id[:8]}", daemon=True)
        process.start()
        self.running[job_id] = process

    def _reap(self) -> None:
        for job_id, process in list(self.running.items()):
            if process.is_alive():
                continue
            process.join()
            del self.running[job_id]
            state = self.store.interrupted(job_id)  # no-op unless it died mid-analysis
            if state != "done" and process.exitcode:
                log.warning("%s: analysis process exited with %s (a crash); job is now %s",
                            job_tag(job_id), process.exitcode, state)
            else:
                job = self.store.get(job_id)
                log.info("%s: %s", job_tag(job_id),
                         "refused or failed" if job is not None and job.error else "done")

    def close(self, timeout: float = 5.0) -> None:
        """Stop dispatching and stop the running analyses (they are queued on next start)."""
        self.stop.set()
        self.thread.join(timeout=timeout)
        for process in self.running.values():
            process.terminate()
        for job_id, process in self.running.items():
            process.join(timeout)
            if process.is_alive():
                process.kill()
                process.join(timeout)
            self.store.release(job_id)
        self.running.clear()
