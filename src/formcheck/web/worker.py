"""Analysis of one web job in its own process (never in the request handler).

The process writes its progress and its outcome to the job store itself; if it dies (out of
memory, killed), the dispatcher sees the job still `running` and queues it again. It exits
when the server that started it is gone, so a killed server leaves no orphan analyses.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from formcheck.batch.jobs import Analyzer, default_analyzer
from formcheck.config import Config
from formcheck.errors import FormcheckError
from formcheck.outputs import write_outputs
from formcheck.pipeline import AnalyzeOptions
from formcheck.texts import ui_text
from formcheck.view import View
from formcheck.web.store import Job, JobStore

PROGRESS_EVERY_S = 0.25  # at most this often to the store, and always the last frame


def _exit_with_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(3)


def user_message(exc: FormcheckError, job: Job) -> str:
    """The pipeline's message in the job's language, with the server's storage path replaced
    by the file's name."""
    return exc.text(job.lang).replace(job.input, job.display_name)  # type: ignore[arg-type]


def run_job(job_id: str, data_dir: str, analyzer: Analyzer | None = None,
            parent_pid: int | None = None, config: Config | None = None,
            pose_threads: int = 1) -> str | None:
    """Analyse the job's upload; results under data/results/<id>/. Returns an error or None.
    `pose_threads`: threads for the pose step (the server's cores shared by its jobs)."""
    config = config or Config()
    if parent_pid is not None:
        threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    store = JobStore(Path(data_dir) / "jobs.sqlite")
    job = store.get(job_id)
    if job is None:
        return "unknown job"
    options = AnalyzeOptions(height_cm=job.height_cm, lang=job.lang,  # type: ignore[arg-type]
                             view=View(job.view) if job.view else None,
                             model=config.pose.model, config=config,
                             workers=pose_threads, keep_preview=True)

    def reporter(stage: str):  # noqa: ANN202
        last = 0.0

        def report(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY_S or done >= total:
                last = now
                store.progress(job_id, stage, done, total)
        return report

    try:
        run = (analyzer or default_analyzer)(Path(job.input), options, reporter("pose"))
        # the runner's own file name, not the server's storage path
        analysis = run.analysis.model_copy(update={"video": run.analysis.video.model_copy(
            update={"path": job.display_name})})
        store.progress(job_id, "overlay", 0, run.track.n_frames)
        try:
            write_outputs(analysis, Path(data_dir) / "results" / job_id,
                          video=Path(job.input), track=run.track,
                          progress=reporter("overlay"), preview=run.preview)
        finally:
            run.close()
    except FormcheckError as exc:
        message = user_message(exc, job)
        store.finish(job_id, message)
        return message
    except Exception as exc:  # recorded for the user without internals
        message = ui_text("web_err_crash", job.lang).format(  # type: ignore[arg-type]
            name=type(exc).__name__)
        store.finish(job_id, message)
        return message
    store.finish(job_id)
    return None
