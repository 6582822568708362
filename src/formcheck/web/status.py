"""What the web app answers about a job, shared by the job and session routes: its status
model, the pages' content-security policies, and the reader's language."""

from __future__ import annotations

from typing import Literal

from fastapi import Request
from pydantic import BaseModel

from formcheck.outputs import OUTPUTS
from formcheck.texts import LANGS, Lang
from formcheck.web.store import Job, JobStore

RESULT_FILES = {o.name: o.media_type for o in OUTPUTS}
PAGE_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; "
            "img-src 'self' data:; media-src 'self'; connect-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'")
REPORT_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; media-src 'self'; "
              "frame-ancestors 'none'")


class Progress(BaseModel):
    stage: Literal["queued", "pose", "overlay", "done", "failed"]
    done: int
    total: int
    fraction: float | None
    queue_position: int | None


class JobStatus(BaseModel):
    id: str
    state: Literal["queued", "running", "done", "failed"]
    file_name: str
    progress: Progress
    error: str | None
    results: dict[str, str] | None
    page_url: str


def _fraction(job: Job) -> float | None:
    """Overall progress: the pose step is ~3/4 of the work, the overlay video ~1/4."""
    if job.state == "done":
        return 1.0
    if not job.frames_total:
        return None
    share = min(1.0, job.frames_done / job.frames_total)
    return round(0.75 * share if job.stage == "pose" else
                 0.75 + 0.25 * share if job.stage == "overlay" else share, 4)


def job_status(job: Job, store: JobStore) -> JobStatus:
    results = {name.split(".")[0]: f"/api/jobs/{job.id}/{name}" for name in RESULT_FILES} \
        if job.state == "done" else None
    return JobStatus(
        id=job.id, state=job.state, file_name=job.display_name,  # type: ignore[arg-type]
        progress=Progress(stage=job.stage, done=job.frames_done,  # type: ignore[arg-type]
                          total=job.frames_total, fraction=_fraction(job),
                          queue_position=store.position(job) if job.state == "queued"
                          else None),
        error=job.error, results=results, page_url=f"/jobs/{job.id}")


def request_lang(request: Request, default: str | None = None) -> Lang:
    chosen = request.query_params.get("lang") or default
    if chosen in LANGS:
        return chosen
    return "ja" if request.headers.get("accept-language", "").startswith("ja") else "en"
