"""The web app's session routes: several uploads of one run → one session report."""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse
from jinja2 import Template
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from formcheck.config import Config
from formcheck.session.run import SESSION_HTML, SESSION_JSON
from formcheck.texts import Lang, ui_text, ui_texts
from formcheck.web.sessions import SessionRecord, build_session, load_record, save_record
from formcheck.web.status import REPORT_CSP, job_status, request_lang
from formcheck.web.store import JobStore, new_job_id

MAX_SESSION_CLIPS = 6
SESSION_FILES = {SESSION_HTML: "text/html", SESSION_JSON: "application/json"}
Receive = Callable[[UploadFile, Lang], Awaitable[tuple[str, Path, int, str]]]


class SessionStatus(BaseModel):
    id: str
    state: Literal["queued", "running", "done", "failed"]
    clips: list[dict]  # each clip's job status (as GET /api/jobs/<id>)
    results: dict[str, str] | None
    page_url: str


def add_session_routes(app: FastAPI, store: JobStore, data_dir: Path, config: Config,
                       receive: Receive, page: Callable[[str], HTMLResponse],
                       templates_of: Callable[[str], Template]) -> None:
    """POST /api/sessions, GET /api/sessions/<id>[/<file>], GET /sessions/<id>."""
    session_page = templates_of("web_session")

    def record_of(session_id: str) -> SessionRecord:
        record = load_record(session_id, data_dir)
        if record is None:
            raise HTTPException(404, "web_err_no_session")
        return record

    def status(record: SessionRecord) -> SessionStatus:
        jobs = [job for job_id in record.job_ids if (job := store.get(job_id)) is not None]
        states = {job.state for job in jobs}
        state = "running" if states & {"running"} or (states & {"queued"} and
                                                     states & {"done", "failed"}) \
            else "queued" if states & {"queued"} else "done" if "done" in states else "failed"
        return SessionStatus(
            id=record.id, state=state,  # type: ignore[arg-type]
            clips=[job_status(job, store).model_dump() for job in jobs],
            results={name.split(".")[1]: f"/api/sessions/{record.id}/{name}"
                     for name in SESSION_FILES} if state == "done" else None,
            page_url=f"/sessions/{record.id}")

    @app.post("/api/sessions", status_code=201, response_model=SessionStatus,
              responses={413: {"description": "A clip larger than --max-upload-mb"},
                         415: {"description": "A file that is not a video"},
                         422: {"description": "Fewer than 2 or more than 6 clips, or a clip "
                                              "too short or too slow to analyse"}})
    async def create_session(
        files: Annotated[list[UploadFile], File(description="The clips of one run, in the "
                                                "order they were filmed (2–6).")],
        height_cm: Annotated[float | None, Form(ge=100, le=230,
                                                description="Runner's height, for cm.")] = None,
        lang: Annotated[Lang, Form(description="Language of the reports.")] = "en",
    ) -> SessionStatus:
        """Upload the clips of one run: each is checked and queued as a job; the session
        report combines them when all are done; follow `page_url`."""
        if not 2 <= len(files) <= MAX_SESSION_CLIPS:
            raise HTTPException(422, ui_text("web_err_session_count", lang).format(
                n=len(files), most=MAX_SESSION_CLIPS))
        received: list[tuple[str, Path, int, str]] = []
        try:
            for file in files:
                received.append(await receive(file, lang))
        except BaseException:
            for job_id, *_ in received:  # all or nothing: no half session is queued
                shutil.rmtree(data_dir / "uploads" / job_id, ignore_errors=True)
            raise
        for job_id, path, size, display in received:
            store.add(job_id, path, display, size, height_cm, None, lang)
        record = SessionRecord(new_job_id(), [r[0] for r in received], lang)
        await run_in_threadpool(save_record, record, data_dir)
        return status(record)

    @app.get("/api/sessions/{session_id}", response_model=SessionStatus)
    async def get_session(session_id: str) -> SessionStatus:
        """State of a session and of each of its clips; the report links when done."""
        return status(record_of(session_id))

    @app.get("/api/sessions/{session_id}/{name}",
             responses={200: {"content": {t: {} for t in SESSION_FILES.values()}}})
    async def session_result(session_id: str, name: str) -> FileResponse:
        """session.html or session.json of a finished session."""
        record = record_of(session_id)
        if name not in SESSION_FILES:
            raise HTTPException(404, "web_err_no_result")
        current = status(record)
        if current.state in ("queued", "running"):
            raise HTTPException(409, "web_err_not_finished")
        if current.state == "failed":
            raise HTTPException(404, "web_err_no_result")
        await run_in_threadpool(build_session, record, store, data_dir, config.findings)
        headers = {"content-security-policy": REPORT_CSP} if name == SESSION_HTML else None
        return FileResponse(record.folder(data_dir) / name, media_type=SESSION_FILES[name],
                            filename=name, headers=headers, content_disposition_type="inline")

    @app.get("/sessions/{session_id}", response_class=HTMLResponse, include_in_schema=False)
    async def session_page_view(session_id: str, request: Request) -> HTMLResponse:
        record = record_of(session_id)
        lang = request_lang(request, record.lang)
        return page(session_page.render(record=record, t=ui_texts(lang), lang=lang))
