"""FastAPI app: upload page, job page with live progress, report, downloads, JSON API.

Analyses run in worker processes fed by one dispatcher thread; at most `workers` run at once
and the rest wait in the queue. Jobs and uploads live under `data_dir` and survive restarts:
a job that was running when the server stopped is queued again.
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from jinja2 import Environment, select_autoescape
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from formcheck import __version__
from formcheck.batch.jobs import Analyzer
from formcheck.errors import InputError
from formcheck.texts import ui_texts
from formcheck.web.store import Job, JobStore, new_job_id
from formcheck.web.uploads import UploadTooLarge, save_upload
from formcheck.web.worker import run_job

RESULT_FILES = {"analysis.json": "application/json", "strides.csv": "text/csv",
                "report.html": "text/html"}


class Progress(BaseModel):
    done: int
    total: int
    fraction: float | None


class JobStatus(BaseModel):
    id: str
    state: Literal["queued", "running", "done", "failed"]
    progress: Progress
    error: str | None
    results: dict[str, str] | None
    page_url: str


def _status(job: Job) -> JobStatus:
    fraction = min(1.0, job.frames_done / job.frames_total) if job.frames_total else None
    results = {"analysis": f"/api/jobs/{job.id}/analysis.json",
               "strides": f"/api/jobs/{job.id}/strides.csv",
               "report": f"/api/jobs/{job.id}/report.html"} if job.state == "done" else None
    return JobStatus(id=job.id, state=job.state,  # type: ignore[arg-type]
                     progress=Progress(done=job.frames_done, total=job.frames_total,
                                       fraction=fraction),
                     error=job.error, results=results, page_url=f"/jobs/{job.id}")


class Dispatcher:
    """Feeds queued jobs to a bounded process pool."""

    def __init__(self, store: JobStore, data_dir: Path, workers: int,
                 analyzer: Analyzer | None) -> None:
        self.store, self.data_dir, self.workers, self.analyzer = store, data_dir, workers, analyzer
        self.pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))
        self.active: set[Future] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop.is_set():
            self.active = {f for f in self.active if not f.done()}
            if len(self.active) < self.workers and (job := self.store.claim_next()):
                future = self.pool.submit(run_job, job.id, str(self.data_dir), self.analyzer)
                future.add_done_callback(lambda f, job_id=job.id: self._check(f, job_id))
                self.active.add(future)
                continue
            self.stop.wait(0.2)

    def _check(self, future: Future, job_id: str) -> None:
        if future.exception() is not None:  # a worker died: say so rather than hang
            self.store.finish(job_id, "The analysis stopped unexpectedly. Please try again.")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.pool.shutdown(wait=False, cancel_futures=True)


def _lang(request: Request) -> str:
    chosen = request.query_params.get("lang")
    if chosen in ("en", "ja"):
        return chosen
    return "ja" if request.headers.get("accept-language", "").startswith("ja") else "en"


def create_app(data_dir: Path, max_upload_mb: float = 500.0, workers: int = 1,
               analyzer: Analyzer | None = None) -> FastAPI:
    data_dir = Path(data_dir)
    store = JobStore(data_dir / "jobs.sqlite")
    limit = int(max_upload_mb * 1024 * 1024)
    env = Environment(autoescape=select_autoescape(default=True))
    templates = {name: env.from_string(resources.files("formcheck").joinpath(
        f"data/{name}.html.j2").read_text("utf-8")) for name in ("web_upload", "web_job")}

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        store.requeue_interrupted()
        dispatcher = Dispatcher(store, data_dir, workers, analyzer)
        dispatcher.start()
        app.state.dispatcher = dispatcher
        yield
        dispatcher.close()

    app = FastAPI(title="formcheck", version=__version__, lifespan=lifespan,
                  description="Upload a running video, follow the analysis, get the report.")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(status_code=500, content={"detail": "Internal error. Please try "
                                                                "again later."})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def upload_page(request: Request) -> str:
        lang = _lang(request)
        return templates["web_upload"].render(t=ui_texts(lang), lang=lang)

    @app.post("/api/jobs", status_code=201, response_model=JobStatus)
    async def create_job(
        request: Request,
        file: Annotated[UploadFile, File(description="The running video.")],
        height_cm: Annotated[float | None, Form(ge=100, le=230)] = None,
        view: Annotated[Literal["side_left", "side_right", "rear", "front"] | None,
                        Form()] = None,
        lang: Annotated[Literal["en", "ja"], Form()] = "en",
    ) -> JobStatus:
        declared = int(request.headers.get("content-length") or 0)
        if declared > limit + 1024 * 1024:
            raise HTTPException(413, f"The video is larger than {max_upload_mb:g} MB. Trim it "
                                     "to 10–30 seconds of running and upload again.")
        job_id = new_job_id()
        upload_dir = data_dir / "uploads" / job_id
        try:
            path, size = await save_upload(file, upload_dir, limit)
        except UploadTooLarge:
            shutil.rmtree(upload_dir, ignore_errors=True)
            raise HTTPException(413, f"The video is larger than {max_upload_mb:g} MB. Trim it "
                                     "to 10–30 seconds of running and upload again.") from None
        except InputError as exc:
            shutil.rmtree(upload_dir, ignore_errors=True)
            raise HTTPException(415, f"{exc.message} {exc.hint}") from None
        display = Path(file.filename or "video").name[:120]
        store.add(job_id, path, display, size, height_cm, view, lang)
        return _status(store.get(job_id))  # type: ignore[arg-type]

    def _job(job_id: str) -> Job:
        job = store.get(job_id)
        if job is None:
            raise HTTPException(404, "No such job. Check the link you were given.")
        return job

    @app.get("/api/jobs/{job_id}", response_model=JobStatus)
    async def job_status(job_id: str) -> JobStatus:
        return _status(_job(job_id))

    @app.get("/api/jobs/{job_id}/{name}")
    async def job_result(job_id: str, name: str) -> FileResponse:
        job = _job(job_id)
        if name not in RESULT_FILES:
            raise HTTPException(404, "No such result.")
        if job.state != "done":
            raise HTTPException(409, "The analysis is not finished.")
        path = data_dir / "results" / job.id / name
        if not path.is_file():
            raise HTTPException(404, "No such result.")
        disposition = "inline" if name == "report.html" else "attachment"
        return FileResponse(path, media_type=RESULT_FILES[name], filename=name,
                            content_disposition_type=disposition)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    async def job_page(job_id: str, request: Request) -> str:
        job = _job(job_id)
        lang = request.query_params.get("lang") or job.lang
        return templates["web_job"].render(job=job, t=ui_texts(lang), lang=lang)

    return app
