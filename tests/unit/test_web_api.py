"""The web app's API: uploads, limits, sniffing, unguessable jobs, no tracebacks, restarts."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from batch_helpers import fake_analyzer
from fastapi.testclient import TestClient

from formcheck.web.app import create_app
from formcheck.web.store import JobStore

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def _video(size: int = 4096) -> bytes:
    return MP4_HEAD + os.urandom(size)


def _wait(client: TestClient, job_id: str, timeout: float = 60) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = client.get(f"/api/jobs/{job_id}").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish: {status}")


@pytest.fixture
def client(tmp_path: Path):  # noqa: ANN201
    app = create_app(tmp_path / "data", max_upload_mb=1, workers=2, analyzer=fake_analyzer)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def test_upload_progress_and_results(client: TestClient) -> None:
    response = client.post("/api/jobs", files={"file": ("../../etc/passwd.mp4", _video())},
                           data={"height_cm": "175", "lang": "ja"})
    assert response.status_code == 201, response.text
    job = response.json()
    assert len(job["id"]) >= 20 and job["page_url"].endswith(job["id"])
    done = _wait(client, job["id"])
    assert done["state"] == "done" and done["progress"]["fraction"] == 1.0
    report = client.get(done["results"]["report"])
    assert report.status_code == 200 and "診断ではなく" in report.text
    assert client.get(done["results"]["analysis"]).json()["lang"] == "ja"
    assert client.get(done["results"]["strides"]).text.startswith("foot,")
    page = client.get(job["page_url"])
    assert page.status_code == 200 and "passwd" in page.text  # shown, never used as a path


def test_too_large_is_413_with_a_clear_message(client: TestClient) -> None:
    response = client.post("/api/jobs", files={"file": ("big.mp4", _video(2 * 1024 * 1024))})
    assert response.status_code == 413
    assert "larger than 1 MB" in response.json()["detail"]


def test_content_is_sniffed_not_trusted_by_extension(client: TestClient) -> None:
    response = client.post("/api/jobs", files={"file": ("clip.mp4", b"GIF89a" + b"0" * 100)})
    assert response.status_code == 415
    assert "not a video" in response.json()["detail"]


def test_bad_fields_are_rejected(client: TestClient) -> None:
    response = client.post("/api/jobs", files={"file": ("a.mp4", _video())},
                           data={"height_cm": "20"})
    assert response.status_code == 422


def test_unknown_job_and_unfinished_results(client: TestClient, tmp_path: Path) -> None:
    assert client.get("/api/jobs/not-a-real-job").status_code == 404
    assert client.get("/api/jobs/x/../../jobs.sqlite").status_code == 404
    job = client.post("/api/jobs", files={"file": ("a.mp4", _video())}).json()
    assert client.get(f"/api/jobs/{job['id']}/secret.txt").status_code == 404


def test_analysis_errors_are_clear_and_without_traceback(client: TestClient) -> None:
    content = MP4_HEAD + b"NO-RUNNER" + os.urandom(100)
    job = client.post("/api/jobs", files={"file": ("clip.mp4", content)}).json()
    # the fake analyser refuses this content the way the pipeline refuses a clip
    status = _wait(client, job["id"])
    assert status["state"] == "failed"
    assert "no runner found" in status["error"] and "Traceback" not in status["error"]


def test_openapi_documents_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert {"/api/jobs", "/api/jobs/{job_id}"} <= set(schema["paths"])


def test_interrupted_jobs_resume_after_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = JobStore(data / "jobs.sqlite")
    upload = data / "uploads" / "abc"
    upload.mkdir(parents=True)
    (upload / "input.mp4").write_bytes(_video())
    store.add("abc", upload / "input.mp4", "clip.mp4", 4096, None, None, "en")
    assert store.claim_next().state == "running"  # the server died here
    app = create_app(data, workers=1, analyzer=fake_analyzer)
    with TestClient(app) as client:
        assert _wait(client, "abc")["state"] == "done"
    assert (upload / "input.mp4").exists()  # the upload is never lost


def test_twenty_concurrent_uploads_all_finish(tmp_path: Path) -> None:
    """Bounded load on loopback: 20 uploads at once, 2 analyses at a time, nothing lost."""
    from concurrent.futures import ThreadPoolExecutor

    app = create_app(tmp_path / "data", workers=2, analyzer=fake_analyzer)
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda i: client.post(
            "/api/jobs", files={"file": (f"run{i}.mp4", _video())}), range(20)))
        assert all(r.status_code == 201 for r in responses)
        ids = {r.json()["id"] for r in responses}
        assert len(ids) == 20
        finished = [_wait(client, job_id, timeout=120) for job_id in ids]
    assert all(s["state"] == "done" for s in finished)
