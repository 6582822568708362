"""Web sessions: several uploads of one run. Each upload is an ordinary job (queued, analysed
and shown like any other); the session is the list of its jobs, and its report is combined
from their analyses once every job has finished (`formcheck.session`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from formcheck.config import FindingsConfig
from formcheck.io.results import atomic_write_text, load_analysis
from formcheck.outputs import ANALYSIS_JSON
from formcheck.session.combine import ClipResult, combine
from formcheck.session.run import SESSION_JSON, write_session
from formcheck.session.schema import SessionAnalysis, SessionClip
from formcheck.texts import Lang
from formcheck.web.store import Job, JobStore

RECORD = "record.json"
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")  # `new_job_id`'s alphabet: never a path


@dataclass(frozen=True)
class SessionRecord:
    id: str
    job_ids: list[str]  # in the order the clips were filmed
    lang: Lang

    def folder(self, data_dir: Path) -> Path:
        return data_dir / "sessions" / self.id


def save_record(record: SessionRecord, data_dir: Path) -> None:
    folder = record.folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / RECORD, json.dumps({"id": record.id, "jobs": record.job_ids,
                                                   "lang": record.lang}))


def load_record(session_id: str, data_dir: Path) -> SessionRecord | None:
    """The session with this id, or None (unknown id, or not a session id at all)."""
    if not SESSION_ID.fullmatch(session_id):
        return None
    path = data_dir / "sessions" / session_id / RECORD
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return SessionRecord(data["id"], list(data["jobs"]), data["lang"])


def finished(jobs: list[Job]) -> bool:
    return all(job.state in ("done", "failed") for job in jobs)


def _clip(index: int, job: Job) -> SessionClip:
    return SessionClip(id=str(index), name=job.display_name, path=job.display_name,
                       # from /api/sessions/<id>/session.html to /api/jobs/<job>/report.html
                       results=f"../../jobs/{job.id}" if job.state == "done" else None,
                       error=job.error if job.state == "failed" else None)


def build_session(record: SessionRecord, store: JobStore, data_dir: Path,
                  config: FindingsConfig | None = None) -> SessionAnalysis | None:
    """The session's report (written once, then read back), or None while a job runs or
    when no clip could be analysed."""
    folder = record.folder(data_dir)
    if (folder / SESSION_JSON).is_file():
        return SessionAnalysis.model_validate_json((folder / SESSION_JSON).read_text("utf-8"))
    jobs = [job for job_id in record.job_ids if (job := store.get(job_id)) is not None]
    if not finished(jobs) or not any(job.state == "done" for job in jobs):
        return None
    results = []
    for index, job in enumerate(jobs, start=1):
        clip = _clip(index, job)
        if job.state != "done":
            results.append(ClipResult(clip, None))
            continue
        analysis = load_analysis(data_dir / "results" / job.id / ANALYSIS_JSON.name)
        results.append(ClipResult(clip.model_copy(update={
            "view": analysis.view, "view_confidence": analysis.view_confidence,
            "duration_s": analysis.video.duration_s, "cadence_spm": analysis.cadence_spm,
            "n_strides": len(analysis.strides)}), analysis))
    session = combine(results, record.lang, config)
    write_session(session, folder)
    return session
