"""Web sessions: several uploads of one run → one job each → one session report."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from batch_helpers import fake_analyzer
from clips import clip_seconds
from fastapi.testclient import TestClient

from formcheck.web.app import create_app


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("clips")
    return {"run": clip_seconds(folder / "run.mp4", 4).read_bytes(),
            "no_runner": clip_seconds(folder / "NO-RUNNER.mp4", 4,
                                      title="NO-RUNNER").read_bytes()}


@pytest.fixture
def client(tmp_path: Path):  # noqa: ANN201
    app = create_app(tmp_path / "data", max_upload_mb=1, workers=2, analyzer=fake_analyzer)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _wait(client: TestClient, session_id: str, timeout: float = 90) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = client.get(f"/api/sessions/{session_id}").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"session {session_id} did not finish: {status}")


def test_a_session_of_uploads_gives_one_report_with_each_clips_source(
        client: TestClient, clips: dict[str, bytes]) -> None:
    files = [("files", ("early.mp4", clips["run"])), ("files", ("bad.mp4", clips["no_runner"])),
             ("files", ("late.mp4", clips["run"]))]
    response = client.post("/api/sessions", files=files, data={"lang": "ja"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert [c["file_name"] for c in created["clips"]] == ["early.mp4", "bad.mp4", "late.mp4"]
    assert client.get(f"/api/sessions/{created['id']}/session.html").status_code in (200, 409)
    done = _wait(client, created["id"])
    assert done["state"] == "done"
    assert [c["state"] for c in done["clips"]] == ["done", "failed", "done"]
    session = client.get(done["results"]["json"]).json()
    assert [c["id"] for c in session["clips"]] == ["1", "2", "3"]
    assert session["clips"][1]["error"] and session["clips"][1]["view"] is None
    sources = {s["clip"] for m in session["metrics"].values()
               for s in (m["left"], m["right"]) if s}
    assert sources <= {"1", "3"} and sources
    assert session["changes"] and session["changes"][0]["late_clip"] == "3"
    html = client.get(done["results"]["html"])
    assert html.status_code == 200 and "content-security-policy" in html.headers
    assert "測れなかったこと" in html.text
    job_id = done["clips"][0]["id"]
    assert f'href="../../jobs/{job_id}/report.html"' in html.text  # links each clip's report
    page = client.get(created["page_url"])
    assert page.status_code == 200 and created["id"] in page.text


def test_session_uploads_are_all_or_nothing(client: TestClient, clips: dict[str, bytes],
                                            tmp_path: Path) -> None:
    one = client.post("/api/sessions", files=[("files", ("a.mp4", clips["run"]))])
    assert one.status_code == 422 and "2" in one.json()["detail"]
    files = [("files", ("a.mp4", clips["run"])), ("files", ("notes.mp4", b"plain text" * 50))]
    refused = client.post("/api/sessions", files=files)
    assert refused.status_code == 415
    uploads = tmp_path / "data" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())  # the good clip was not kept
    assert client.get("/api/sessions/nope").status_code == 404
    assert client.get("/api/sessions/" + "-_" * 11).status_code == 404  # valid form, unknown
    assert client.get("/api/sessions/..%2Fjobs").status_code == 404  # ids are never paths


def test_session_ids_of_every_url_safe_character_load_and_paths_never_do(tmp_path: Path,
                                                                          ) -> None:
    from formcheck.web.sessions import SessionRecord, load_record, save_record

    record = SessionRecord("Ab-_" * 6, ["job1", "job2"], "ja")  # token_urlsafe's alphabet
    save_record(record, tmp_path)
    assert load_record(record.id, tmp_path) == record
    assert load_record("../" + record.id, tmp_path) is None
