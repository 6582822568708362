"""`run_batch`: discover clips, consult the ledger, run what is missing, write the summary.

Resumable and loss-free: results are written atomically before the ledger marks a clip done;
a killed run leaves 'running' rows that the next run retries; unchanged clips (same content
hash) are never analysed twice; a failing clip is recorded with its error and the rest go on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from formcheck.batch.discover import Clip, discover
from formcheck.batch.engines import Engine, LocalEngine, RayEngine
from formcheck.batch.jobs import Analyzer, ClipJob
from formcheck.batch.ledger import Ledger
from formcheck.batch.summary import write_summary
from formcheck.io.locks import hold_folder_lock
from formcheck.pipeline import AnalyzeOptions

LEDGER_NAME = "ledger.sqlite"
LOCK_NAME = ".formcheck-batch.lock"


@dataclass(frozen=True)
class BatchOptions:
    workers: int = 0  # 0 = all cores
    engine: str = "local"  # "local" | "ray"
    ray_address: str | None = None
    retry_failed: bool = False
    report: bool = True
    analyze: AnalyzeOptions = field(default_factory=AnalyzeOptions)


@dataclass
class BatchResult:
    total: int
    skipped: int
    done: int
    failed: int  # in this run
    recovered: int
    out_dir: Path
    failed_total: int = 0  # clips of this batch folder in the failed state, earlier runs too


ProgressHook = Callable[[str, dict], None]  # (event, data) for progress bars


def clip_out_dir(out_dir: Path, clip: Clip, sha256: str) -> Path:
    return out_dir / "clips" / _safe(clip.athlete) / _safe(clip.session) / \
        f"{_safe(clip.path.stem)}-{sha256[:10]}"


def _safe(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip("._")
    return keep or "_"


def _lock(out_dir: Path):  # noqa: ANN202
    return hold_folder_lock(out_dir / LOCK_NAME, "batch_busy", path=str(out_dir))


def run_batch(inputs: list[str], out_dir: Path, options: BatchOptions | None = None,
              meta: Path | None = None, analyzer: Analyzer | None = None,
              hook: ProgressHook | None = None) -> BatchResult:
    options = options or BatchOptions()
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = _lock(out_dir)
    ledger = Ledger(out_dir / LEDGER_NAME)
    try:
        clips = discover(inputs, meta)
        recovered = ledger.recover()
        jobs, skipped = [], 0
        for clip in clips:
            row = ledger.register(clip.path, clip.athlete, clip.session)
            if row.state == "done" or (row.state == "failed" and not options.retry_failed):
                skipped += 1
                continue
            jobs.append(ClipJob(str(clip.path), row.sha256,
                                str(clip_out_dir(out_dir, clip, row.sha256)),
                                options.analyze, options.report))
        if hook:
            hook("start", {"clips": len(clips), "jobs": len(jobs), "skipped": skipped})
        done = failed = 0
        if jobs:
            done, failed = _run_jobs(jobs, ledger, options, analyzer, hook)
        write_summary(ledger, out_dir, options.analyze.lang)
        return BatchResult(len(clips), skipped, done, failed, recovered, out_dir,
                           len(ledger.rows("failed")))
    finally:
        ledger.close()
        lock.close()


def _engine(options: BatchOptions, analyzer: Analyzer | None, progress_queue) -> Engine:  # noqa: ANN001
    workers = options.workers or os.cpu_count() or 1
    if options.engine == "ray":
        return RayEngine(options.ray_address, analyzer, num_cpus=workers)
    return LocalEngine(workers, analyzer, progress_queue)


def _run_jobs(jobs: list[ClipJob], ledger: Ledger, options: BatchOptions,
              analyzer: Analyzer | None, hook: ProgressHook | None) -> tuple[int, int]:
    manager = mp.get_context("spawn").Manager() if options.engine == "local" else None
    progress_queue = manager.Queue() if manager else None
    engine = _engine(options, analyzer, progress_queue)
    done = failed = 0
    try:
        for job in jobs:
            ledger.start(job.path)
        for outcome in engine.run(jobs):
            _drain(progress_queue, hook)
            if outcome is None:
                continue
            if outcome.ok:
                ledger.finish(outcome.path, outcome.sha256, outcome.out_dir or "")
                done += 1
            else:
                ledger.fail(outcome.path, outcome.error or "unknown error")
                failed += 1
            if hook:
                hook("clip", {"path": outcome.path, "ok": outcome.ok, "error": outcome.error})
    finally:
        engine.close()
        if manager:
            manager.shutdown()
    return done, failed


def _drain(progress_queue, hook: ProgressHook | None) -> None:  # noqa: ANN001
    if progress_queue is None or hook is None:
        return
    while True:
        try:
            path, frames_done, total = progress_queue.get_nowait()
        except (queue.Empty, OSError, EOFError):
            return
        hook("frames", {"path": path, "done": frames_done, "total": total})
