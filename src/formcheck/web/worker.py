"""Analysis of one web job, in a worker process (never in the request handler)."""

from __future__ import annotations

from pathlib import Path

from formcheck.batch.jobs import Analyzer, default_analyzer
from formcheck.errors import FormcheckError
from formcheck.io.results import write_results
from formcheck.pipeline import AnalyzeOptions
from formcheck.view import View
from formcheck.web.store import JobStore


def run_job(job_id: str, data_dir: str, analyzer: Analyzer | None = None) -> str | None:
    """Analyse the job's upload; results under data/results/<id>/. Returns an error or None."""
    store = JobStore(Path(data_dir) / "jobs.sqlite")
    job = store.get(job_id)
    if job is None:
        return "unknown job"
    options = AnalyzeOptions(height_cm=job.height_cm, lang=job.lang,  # type: ignore[arg-type]
                             view=View(job.view) if job.view else None)

    def progress(done: int, total: int) -> None:
        if done % 15 == 0 or done == total:
            store.progress(job_id, done, total)

    try:
        analysis = (analyzer or default_analyzer)(Path(job.input), options, progress)
        # the runner's own file name, not the server's storage path
        analysis = analysis.model_copy(update={"video": analysis.video.model_copy(
            update={"path": job.display_name})})
        write_results(analysis, Path(data_dir) / "results" / job_id, video=Path(job.input))
    except FormcheckError as exc:
        store.finish(job_id, str(exc))
        return str(exc)
    except Exception as exc:  # recorded for the user without internals
        message = ("Something went wrong while analysing this video "
                   f"({type(exc).__name__}). Please try another clip.")
        store.finish(job_id, message)
        return message
    store.finish(job_id)
    return None
