"""The web app's API with a fake analyser (no MediaPipe) and tiny real clips written here:
uploads, limits, sniffing, unguessable jobs, no tracebacks, crashes, restarts, load."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import av
import httpx2 as httpx
import pytest
from batch_helpers import fake_analyzer
from clips import clip_seconds
from fastapi.testclient import TestClient
from web_helpers import loopback_server, wait_for_job

from formcheck.texts import ui_text
from formcheck.web.app import create_app
from formcheck.web.store import GAVE_UP, MAX_ATTEMPTS, JobStore


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """4 s at 30 fps: long enough for the upload checks, tiny on disk."""
    return clip_seconds(tmp_path_factory.mktemp("clips") / "run.mp4", 4).read_bytes()


def _titled(tmp_path: Path, title: str, seconds: float = 4) -> bytes:
    return clip_seconds(tmp_path / f"{title}.mp4", seconds, title=title).read_bytes()


@pytest.fixture
def client(tmp_path: Path):  # noqa: ANN201
    app = create_app(tmp_path / "data", max_upload_mb=1, workers=2, analyzer=fake_analyzer)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _upload(client: TestClient, content: bytes, name: str = "run.mp4", **fields: str):  # noqa: ANN202
    return client.post("/api/jobs", files={"file": (name, content)}, data=fields)


def test_upload_progress_and_results(client: TestClient, clip: bytes, tmp_path: Path) -> None:
    response = _upload(client, clip, "../../etc/passwd.mp4", height_cm="175", lang="ja")
    assert response.status_code == 201, response.text
    job = response.json()
    assert job["file_name"] == "passwd.mp4" and job["page_url"] == f"/jobs/{job['id']}"
    done = wait_for_job(client, job["id"])
    assert done["state"] == "done" and done["progress"]["fraction"] == 1.0
    report = client.get(done["results"]["report"])
    assert report.status_code == 200 and "診断ではなく" in report.text
    assert 'src="overlay.mp4"' in report.text  # the report plays the overlay beside it
    analysis = client.get(done["results"]["analysis"]).json()
    assert analysis["lang"] == "ja" and analysis["scale"]["height_cm"] == 175
    assert analysis["video"]["path"] == "passwd.mp4"  # the runner's name, not the server path
    assert client.get(done["results"]["strides"]).text.startswith("foot,")
    overlay = client.get(done["results"]["overlay"])
    assert overlay.headers["content-type"] == "video/mp4"
    (tmp_path / "overlay.mp4").write_bytes(overlay.content)
    with av.open(str(tmp_path / "overlay.mp4")) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert sum(1 for _ in container.decode(video=0)) == 120  # every frame of the clip
    page = client.get(job["page_url"])
    assert page.status_code == 200 and "passwd.mp4" in page.text
    assert not list((tmp_path / "data").rglob("passwd*"))  # shown, never used as a path


@pytest.mark.slow
def test_progress_reports_stages(tmp_path: Path, clip: bytes,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_DELAY", "3")
    app = create_app(tmp_path / "data", workers=1, analyzer=fake_analyzer)
    with TestClient(app) as client:
        first, second = (_upload(client, clip).json() for _ in range(2))
        assert second["progress"]["queue_position"] == 1  # one job ahead of it
        running = wait_for_job(client, first["id"], states=("running",), timeout=30)
        assert running["progress"]["stage"] == "pose"
        assert client.get(f"/api/jobs/{first['id']}/report.html").status_code == 409
        seen = set()
        while (status := client.get(f"/api/jobs/{first['id']}").json())["state"] != "done":
            if status["progress"]["fraction"] is not None:
                seen.add(status["progress"]["fraction"])
            time.sleep(0.05)
        assert len(seen) >= 3 and max(seen) <= 1.0  # the bar moves, and never past the end
        assert wait_for_job(client, second["id"])["state"] == "done"


def test_too_large_is_413_with_a_clear_message(client: TestClient) -> None:
    big = b"\x00\x00\x00\x18ftypmp42" + bytes(2 * 1024 * 1024)
    response = _upload(client, big, "big.mp4")
    assert response.status_code == 413
    assert "larger than 1 MB" in response.json()["detail"]


def test_an_endless_upload_is_cut_off_without_a_length(client: TestClient,
                                                       tmp_path: Path) -> None:
    """Chunked upload with no Content-Length: refused once it passes the limit."""

    def body():  # noqa: ANN202
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\n\r\n'
        for _ in range(64):  # 4 MB in all, 3 MB more than the limit
            yield bytes(64 * 1024)
        yield b"\r\n--b--\r\n"

    response = client.post("/api/jobs", content=body(),
                           headers={"content-type": "multipart/form-data; boundary=b"})
    assert response.status_code == 413
    assert "larger than 1 MB" in response.json()["detail"]
    assert not list((tmp_path / "data" / "uploads").glob("*/*"))  # nothing kept


@pytest.mark.parametrize("name, content, status, message", [
    ("clip.mp4", b"GIF89a" + b"0" * 100, 415, "not a video"),
    ("clip.mp4", b"\x00\x00\x00\x18ftypheic" + b"0" * 100, 415, "not a video"),  # a photo
    ("clip.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x07" * 4000, 415, "cannot be decoded"),
    ("clip.mp4", b"", 400, "empty"),
])
def test_content_is_sniffed_and_opened_not_trusted_by_extension(
        client: TestClient, tmp_path: Path, name: str, content: bytes, status: int,
        message: str) -> None:
    response = _upload(client, content, name)
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert not list((tmp_path / "data" / "uploads").glob("*/*"))


def test_a_too_short_clip_is_refused_at_upload(client: TestClient, tmp_path: Path) -> None:
    response = _upload(client, clip_seconds(tmp_path / "short.mp4", 1).read_bytes())
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "lasts only 1.0 s" in detail and "10 s of steady running" in detail


def test_refusals_and_errors_speak_the_runners_language(client: TestClient,
                                                         tmp_path: Path) -> None:
    """The Japanese upload page shows 422 refusals and error pages in Japanese."""
    response = _upload(client, clip_seconds(tmp_path / "short.mp4", 1).read_bytes(), lang="ja")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "1.0 秒" in detail and "10秒以上" in detail and "lasts" not in detail
    page = client.get("/jobs/not-a-real-job?lang=ja")
    assert page.status_code == 404 and "見つかりません" in page.text and "No such" not in page.text
    missing = client.post("/api/jobs?lang=ja", data={"lang": "ja"})
    assert missing.status_code == 422 and "動画ファイルを選んで" in missing.json()["detail"]


def test_bad_fields_are_rejected_readably(client: TestClient, clip: bytes) -> None:
    response = _upload(client, clip, height_cm="20")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Please check the form: height_cm")
    missing = client.post("/api/jobs", data={"lang": "en"})
    assert missing.status_code == 422 and "choose a video file" in missing.json()["detail"]
    assert _upload(client, clip, view="upside_down").status_code == 422


def test_unknown_jobs_results_and_no_listing(client: TestClient, clip: bytes) -> None:
    assert client.get("/api/jobs/not-a-real-job").status_code == 404
    assert client.get("/api/jobs/x/../../jobs.sqlite").status_code == 404
    page = client.get("/jobs/not-a-real-job")
    assert page.status_code == 404 and "No such job" in page.text and "<html" in page.text
    assert client.get("/api/jobs").status_code == 405  # there is no list of jobs
    job = _upload(client, clip).json()
    assert client.get(f"/api/jobs/{job['id']}/secret.txt").status_code == 404
    assert client.get(f"/api/jobs/{job['id']}/..%2fjobs.sqlite").status_code == 404


def test_job_ids_are_unguessable(client: TestClient, clip: bytes) -> None:
    ids = [_upload(client, clip).json()["id"] for _ in range(5)]
    assert len(set(ids)) == 5 and all(len(i) >= 22 for i in ids)  # 128 random bits


def test_analysis_errors_are_clear_and_without_traceback(client: TestClient,
                                                         tmp_path: Path) -> None:
    job = _upload(client, _titled(tmp_path, "NO-RUNNER"), "my run.mp4").json()
    status = wait_for_job(client, job["id"])
    assert status["state"] == "failed" and status["results"] is None
    assert "no runner found" in status["error"] and "Film the runner" in status["error"]
    assert "my run.mp4" in status["error"] and "uploads" not in status["error"]
    assert "Traceback" not in status["error"]


@pytest.mark.slow
def test_a_crashing_analysis_is_retried_then_failed_and_others_go_on(
        client: TestClient, tmp_path: Path, clip: bytes) -> None:
    crash = _upload(client, _titled(tmp_path, "CRASH")).json()
    fine = _upload(client, clip).json()
    status = wait_for_job(client, crash["id"])
    assert status["state"] == "failed"
    assert status["error"] == ui_text(GAVE_UP, "en").format(n=MAX_ATTEMPTS)
    assert wait_for_job(client, fine["id"])["state"] == "done"


def test_security_headers(client: TestClient, clip: bytes) -> None:
    home = client.get("/")
    assert home.headers["x-content-type-options"] == "nosniff"
    assert home.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in home.headers["content-security-policy"]
    job = _upload(client, clip).json()
    assert client.get(f"/api/jobs/{job['id']}").headers["cache-control"] == "no-store"
    done = wait_for_job(client, job["id"])
    report = client.get(done["results"]["report"])
    assert report.headers["content-security-policy"].startswith("default-src 'none'")
    assert report.headers["content-disposition"].startswith("inline")
    assert client.get(done["results"]["analysis"]).headers["content-disposition"].startswith(
        "attachment")


def test_openapi_documents_the_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    assert {"/api/jobs", "/api/jobs/{job_id}", "/api/jobs/{job_id}/{name}"} <= set(paths)
    assert {"201", "413", "415", "422"} <= set(paths["/api/jobs"]["post"]["responses"])
    assert "/" not in paths and "/jobs/{job_id}" not in paths  # pages are not API


def test_no_api_page_that_needs_a_cdn(client: TestClient) -> None:
    """FastAPI's /docs and /redoc load their scripts from a public CDN: not served."""
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_view_auto_is_accepted_as_in_the_cli(client: TestClient, clip: bytes) -> None:
    response = _upload(client, clip, view="auto")
    assert response.status_code == 201, response.text
    assert wait_for_job(client, response.json()["id"])["state"] == "done"


def test_interrupted_jobs_resume_after_a_restart(tmp_path: Path, clip: bytes) -> None:
    data = tmp_path / "data"
    store = JobStore(data / "jobs.sqlite")
    for job_id in ("abc", "tired"):
        upload = data / "uploads" / job_id
        upload.mkdir(parents=True)
        (upload / "input.mp4").write_bytes(clip)
        store.add(job_id, upload / "input.mp4", "clip.mp4", len(clip), None, None, "en")
    assert store.claim_next().id == "abc"  # the server died while analysing it
    tired = store.claim_next()
    for _ in range(MAX_ATTEMPTS - 1):  # ... and 'tired' was interrupted every time
        store.interrupted(tired.id)
        tired = store.claim_next()
    app = create_app(data, workers=1, analyzer=fake_analyzer)
    with TestClient(app) as client:
        assert wait_for_job(client, "abc")["state"] == "done"
        gave_up = ui_text(GAVE_UP, "en").format(n=MAX_ATTEMPTS)
        assert wait_for_job(client, "tired")["error"] == gave_up
    assert (data / "uploads" / "abc" / "input.mp4").read_bytes() == clip  # never lost


def test_an_orderly_shutdown_requeues_without_counting_an_attempt(
        tmp_path: Path, clip: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("FAKE_DELAY", "60")
    with TestClient(create_app(data, workers=1, analyzer=fake_analyzer)) as client:
        job = _upload(client, clip).json()
        wait_for_job(client, job["id"], states=("running",), timeout=30)
    stopped = JobStore(data / "jobs.sqlite").get(job["id"])
    assert (stopped.state, stopped.attempts) == ("queued", 0)
    monkeypatch.setenv("FAKE_DELAY", "0")
    with TestClient(create_app(data, workers=1, analyzer=fake_analyzer)) as client:
        assert wait_for_job(client, job["id"])["state"] == "done"


@pytest.mark.slow
def test_twenty_concurrent_uploads_on_loopback(tmp_path: Path, clip: bytes,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounded load on a real socket: 20 uploads at once, 2 analyses at a time, nothing
    lost, and never more than 2 analyses running."""
    monkeypatch.setenv("FAKE_DELAY", "0.5")
    data = tmp_path / "data"
    app = create_app(data, workers=2, analyzer=fake_analyzer)
    store = JobStore(data / "jobs.sqlite")
    most_running = 0
    watching = threading.Event()

    def watch() -> None:
        nonlocal most_running
        while not watching.is_set():
            most_running = max(most_running, store.count("running"))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with loopback_server(app) as url, ThreadPoolExecutor(max_workers=20) as pool:
            def upload(i: int) -> httpx.Response:
                with httpx.Client(base_url=url, timeout=60) as c:
                    return c.post("/api/jobs", files={"file": (f"run{i}.mp4", clip)})

            responses = list(pool.map(upload, range(20)))
            assert [r.status_code for r in responses] == [201] * 20
            ids = {r.json()["id"] for r in responses}
            with httpx.Client(base_url=url, timeout=60) as c:
                finished = [wait_for_job(c, job_id, timeout=180) for job_id in ids]
    finally:
        watching.set()
        watcher.join()
    assert len(ids) == 20 and all(s["state"] == "done" for s in finished)
    assert {s["file_name"] for s in finished} == {f"run{i}.mp4" for i in range(20)}
    assert 1 <= most_running <= 2
    for job_id in ids:
        assert (data / "uploads" / job_id / "input.mp4").read_bytes() == clip
        analysis = json.loads((data / "results" / job_id / "analysis.json").read_text())
        assert analysis["video"]["path"].startswith("run")


def test_a_data_folder_from_the_first_release_still_opens(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "jobs.sqlite"
    with sqlite3.connect(path) as db:  # the first release's table: no stage, no attempts
        db.execute("CREATE TABLE jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL, input TEXT "
                   "NOT NULL, display_name TEXT NOT NULL, size INTEGER NOT NULL, height_cm "
                   "REAL, view TEXT, lang TEXT NOT NULL, error TEXT, frames_done INTEGER NOT "
                   "NULL DEFAULT 0, frames_total INTEGER NOT NULL DEFAULT 0, created REAL NOT "
                   "NULL, updated REAL NOT NULL)")
        db.execute("INSERT INTO jobs VALUES ('old', 'done', 'in.mp4', 'run.mp4', 1, NULL, "
                   "NULL, 'en', NULL, 9, 9, 1.0, 1.0)")
    job = JobStore(path).get("old")
    assert (job.state, job.display_name, job.stage, job.attempts) == ("done", "run.mp4",
                                                                      "queued", 0)


def _audio_only_mp4(path: Path) -> bytes:
    import av
    import numpy as np

    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=44100)
        frame = av.AudioFrame.from_ndarray(np.zeros((1, 1024), np.float32), format="fltp",
                                           layout="mono")
        frame.sample_rate = 44100
        for i in range(20):
            frame.pts = i * 1024
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path.read_bytes()


def test_an_audio_only_upload_says_it_has_no_video(client: TestClient, tmp_path: Path) -> None:
    response = _upload(client, _audio_only_mp4(tmp_path / "voice.mp4"), "voice.mp4")
    assert response.status_code == 415
    assert "no video track" in response.json()["detail"]
    ja = _upload(client, _audio_only_mp4(tmp_path / "voice2.mp4"), "voice.mp4", lang="ja")
    assert ja.status_code == 415 and "映像がありません" in ja.json()["detail"]
