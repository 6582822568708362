"""The web app as a runner meets it: `formcheck serve` in its own process with the real
model, real clips, clear refusals, and a server killed mid-analysis that comes back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest
from web_helpers import free_port, wait_for_job, wait_for_port

pytestmark = pytest.mark.integration


@contextmanager
def serve(data: Path, workers: int = 1) -> Iterator[tuple[subprocess.Popen, httpx.Client]]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "formcheck.cli", "serve", "--port", str(port),
                             "--data", str(data), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            yield proc, client
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def _upload(client: httpx.Client, clip: Path, **fields: str) -> dict:
    with clip.open("rb") as fh:
        response = client.post("/api/jobs", files={"file": (clip.name, fh)}, data=fields)
    assert response.status_code == 201, response.text
    return response.json()


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_refusals_reach_the_runner_in_plain_words(model_dir: Path, data_dir: Path,
                                                  tmp_path: Path) -> None:
    real = data_dir / "real"
    with serve(tmp_path / "web", workers=2) as (_, client):
        walking = _upload(client, real / "sports2d_demo_walking_side.mp4")
        wrong_view = _upload(client, real / "gaitlab_male_side_treadmill.mp4", view="rear")
        walked, viewed = (wait_for_job(client, j["id"], timeout=300)
                          for j in (walking, wrong_view))
    assert walked["state"] == "failed"
    assert walked["error"].startswith("sports2d_demo_walking_side.mp4: this clip cannot give")
    assert "looks like walking, not running" in walked["error"]
    assert "film a run, not a walk" in walked["error"]
    assert viewed["state"] == "failed"
    assert "the view was set to rear, but the runner is seen from the side" in viewed["error"]
    assert "leave the view on auto" in viewed["error"]
    for status in (walked, viewed):
        assert str(tmp_path) not in status["error"] and "Traceback" not in status["error"]


def test_a_server_killed_mid_analysis_finishes_the_job_after_a_restart(
        model_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "web"
    clip = data_dir / "real" / "gaitlab_male_side_treadmill.mp4"
    with serve(data) as (proc, client):
        job = _upload(client, clip)
        deadline = time.time() + 120
        while (status := client.get(f"/api/jobs/{job['id']}").json())["progress"]["done"] < 30:
            assert time.time() < deadline and status["state"] in ("queued", "running"), status
            time.sleep(0.2)
        workers = _children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert workers, "the analysis should run in a child process"
    deadline = time.time() + 10
    while any(_alive(pid) for pid in workers):  # the orphaned analysis stops by itself
        assert time.time() < deadline, "an analysis outlived its killed server"
        time.sleep(0.2)
    with serve(data) as (_, client):
        status = wait_for_job(client, job["id"], timeout=300)
        assert status["state"] == "done", status
        report = client.get(status["results"]["report"])
        assert report.status_code == 200 and "gaitlab_male_side_treadmill.mp4" in report.text
        assert client.get(status["results"]["overlay"]).content[4:8] == b"ftyp"
    assert (data / "uploads" / job["id"] / "input.mp4").read_bytes() == clip.read_bytes()


def test_one_server_per_data_folder(model_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "web"
    with serve(data):
        second = subprocess.run([sys.executable, "-m", "formcheck.cli", "serve", "--port",
                                 str(free_port()), "--data", str(data)],
                                capture_output=True, text=True, timeout=60,
                                env={**os.environ, "COLUMNS": "200"})
    assert second.returncode == 5
    assert "Another formcheck server is already using" in second.stderr
