"""FastAPI app: upload page, job page with live progress, report, downloads, JSON API.

Analyses run in worker processes started by one dispatcher thread (`dispatcher.py`); at most
`workers` run at once and the rest wait in the queue. Jobs and uploads live under `data_dir`
and survive restarts: a job that was running when the server stopped is queued again.
"""

from __future__ import annotations

import shutil
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from jinja2 import Environment, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from formcheck import __version__
from formcheck.batch.jobs import Analyzer
from formcheck.config import Config
from formcheck.outputs import OUTPUTS, REPORT_HTML
from formcheck.texts import Lang, notes_joiner, ui_text, ui_texts
from formcheck.web.dispatcher import Dispatcher
from formcheck.web.guards import BodySizeLimit, SecurityHeaders
from formcheck.web.session_routes import add_session_routes
from formcheck.web.status import (
    PAGE_CSP,
    REPORT_CSP,
    RESULT_FILES,
    JobStatus,
    job_status,
    request_lang,
)
from formcheck.web.store import Job, JobStore, new_job_id
from formcheck.web.uploads import UploadRejected, UploadTooLarge, check_upload, save_upload

INLINE = {o.name for o in OUTPUTS if o.inline}  # shown in the browser; the others download
ViewName = Literal["auto", "side_left", "side_right", "rear", "front"]  # as the CLI's --view


FIELD_LABELS = {"height_cm": "web_height", "view": "web_view", "lang": "web_lang"}


def _validation_message(exc: RequestValidationError, lang: Lang = "en") -> str:
    parts = []
    for error in exc.errors():
        field = str(error.get("loc", ("", ""))[-1])
        if field == "file":
            parts.append(ui_text("web_err_form_file", lang))
        else:
            name = ui_text(FIELD_LABELS[field], lang) if lang != "en" and field in FIELD_LABELS \
                else field  # English keeps the API's field name
            parts.append(ui_text("web_err_form_field", lang).format(
                field=name, msg=error.get("msg", "invalid")))
    return ui_text("web_err_form", lang).format(parts=notes_joiner(lang).join(parts))


# Starlette's own details (unknown path, wrong method) → our texts
_FRAMEWORK_DETAILS = {"Not Found": "web_err_not_found", "Method Not Allowed": "web_err_method"}


def _detail_text(detail: str, lang: Lang) -> str:
    """An error detail in `lang`: HTTPExceptions raised here carry a ui text key."""
    key = _FRAMEWORK_DETAILS.get(detail, detail)
    return ui_text(key, lang) if key in ui_texts(lang) else detail


def create_app(data_dir: Path, max_upload_mb: float = 500.0, workers: int = 1,
               analyzer: Analyzer | None = None, config: Config | None = None) -> FastAPI:
    """The web app; `analyzer` replaces the real pipeline in tests; `config` is used for
    every upload's checks and analysis (`serve --config`)."""
    data_dir = Path(data_dir)
    config = config or Config()
    store = JobStore(data_dir / "jobs.sqlite")
    limit = int(max_upload_mb * 1024 * 1024)
    too_large = ui_text("web_err_too_large_mb", "en").format(mb=f"{max_upload_mb:g}")
    env = Environment(autoescape=select_autoescape(default=True))
    templates = {name: env.from_string(resources.files("formcheck").joinpath(
        f"data/{name}.html.j2").read_text("utf-8"))
        for name in ("web_upload", "web_job", "web_error")}

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        store.requeue_interrupted()
        dispatcher = Dispatcher(store, data_dir, workers, analyzer, config)
        dispatcher.start()
        app.state.dispatcher = dispatcher
        yield
        await run_in_threadpool(dispatcher.close)

    # No /docs or /redoc: FastAPI serves them from a public CDN, which is blank offline and
    # outside our content-security policy. The API is described at /openapi.json.
    app = FastAPI(title="formcheck", version=__version__, lifespan=lifespan,
                  description="Upload a running video, follow the analysis, get the report.",
                  docs_url=None, redoc_url=None)
    app.add_middleware(BodySizeLimit, limit_bytes=limit, message=too_large)
    app.add_middleware(SecurityHeaders)

    def page(html: str, status: int = 200) -> HTMLResponse:
        return HTMLResponse(html, status_code=status, headers={"content-security-policy":
                                                               PAGE_CSP})

    def error_response(request: Request, status: int, detail: str) -> Response:
        lang = request_lang(request)
        detail = _detail_text(detail, lang)
        if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
            return JSONResponse(status_code=status, content={"detail": detail})
        return page(templates["web_error"].render(t=ui_texts(lang), lang=lang, detail=detail),
                    status)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        return error_response(request, 500, "web_err_internal")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_message(exc, request_lang(request)))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def upload_page(request: Request) -> HTMLResponse:
        lang = request_lang(request)
        return page(templates["web_upload"].render(t=ui_texts(lang), lang=lang,
                                                   max_mb=f"{max_upload_mb:g}"))

    @app.post("/api/jobs", status_code=201, response_model=JobStatus,
              responses={400: {"description": "Empty file"},
                         413: {"description": "Larger than --max-upload-mb"},
                         415: {"description": "Not a video formcheck can read"},
                         422: {"description": "Bad form fields, or a clip that is too short "
                                              "or too slow to analyse"}})
    async def create_job(
        file: Annotated[UploadFile, File(description="The running video.")],
        height_cm: Annotated[float | None, Form(ge=100, le=230,
                                                description="Runner's height, for cm.")] = None,
        view: Annotated[ViewName | None, Form(description="Camera view; auto (or empty) "
                                              "detects it.")] = None,
        lang: Annotated[Lang, Form(description="Language of the report.")] = "en",
    ) -> JobStatus:
        """Upload a video: it is stored, checked and queued; follow `page_url`."""
        job_id, path, size, display = await receive(file, lang)
        store.add(job_id, path, display, size, height_cm, None if view == "auto" else view,
                  lang)
        return job_status(store.get(job_id), store)  # type: ignore[arg-type]

    async def receive(file: UploadFile, lang: Lang) -> tuple[str, Path, int, str]:
        """Store and check one upload: (job id, stored path, size, the runner's file name)."""
        job_id = new_job_id()
        upload_dir = data_dir / "uploads" / job_id
        try:
            path, size = await save_upload(file, upload_dir, limit)
            await run_in_threadpool(check_upload, path, config.quality)
        except UploadTooLarge:
            shutil.rmtree(upload_dir, ignore_errors=True)
            raise HTTPException(413, ui_text("web_err_too_large_mb", lang).format(
                mb=f"{max_upload_mb:g}")) from None
        except UploadRejected as exc:
            shutil.rmtree(upload_dir, ignore_errors=True)
            raise HTTPException(exc.status, exc.text(lang)) from None
        display = Path((file.filename or "video").replace("\\", "/")).name[:120] or "video"
        return job_id, path, size, display

    add_session_routes(app, store, data_dir, config, receive, page,
                       templates_of=lambda name: env.from_string(resources.files("formcheck")
                                                                 .joinpath(f"data/{name}.html.j2")
                                                                 .read_text("utf-8")))

    def _job(job_id: str) -> Job:
        job = store.get(job_id)
        if job is None:
            raise HTTPException(404, "web_err_no_job")
        return job

    @app.get("/api/jobs/{job_id}", response_model=JobStatus)
    async def get_job(job_id: str) -> JobStatus:
        """State, progress and (when done) the result links of one job."""
        return job_status(_job(job_id), store)

    @app.get("/api/jobs/{job_id}/{name}",
             responses={200: {"content": {t: {} for t in RESULT_FILES.values()}}})
    async def job_result(job_id: str, name: str) -> FileResponse:
        """One result file of a finished job: analysis.json, strides.csv, report.html or
        overlay.mp4."""
        job = _job(job_id)
        if name not in RESULT_FILES:
            raise HTTPException(404, "web_err_no_result")
        if job.state != "done":
            raise HTTPException(409, "web_err_not_finished")
        path = data_dir / "results" / job.id / name
        if not path.is_file():
            raise HTTPException(404, "web_err_no_result")
        headers = {"content-security-policy": REPORT_CSP} if name == REPORT_HTML.name else None
        return FileResponse(path, media_type=RESULT_FILES[name], filename=name,
                            headers=headers,
                            content_disposition_type="inline" if name in INLINE
                            else "attachment")

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    async def job_page(job_id: str, request: Request) -> HTMLResponse:
        job = _job(job_id)
        lang = request_lang(request, job.lang)
        return page(templates["web_job"].render(job=job, t=ui_texts(lang), lang=lang))

    return app
