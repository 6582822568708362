"""End to end in a real headless Chromium (Debian's chromium): upload → progress → report,
with the real model on a real clip, checking what a person would see."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path, model_dir: Path):  # noqa: ANN201
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "formcheck.cli", "serve", "--port",
                             str(port), "--data", str(tmp_path / "web")],
                            env={**os.environ, "FORMCHECK_MODEL_DIR": str(model_dir)})
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def test_upload_progress_report_in_chromium(server: str, data_dir: Path,
                                            tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is required in CI")
        pytest.skip("chromium not installed")
    from playwright.sync_api import expect, sync_playwright

    clip = data_dir / "real" / "gaitlab_male_side_treadmill.mp4"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone screen
        page.goto(server)
        expect(page.locator("h1")).to_have_text("Check your running form")
        page.set_input_files("#file", str(clip))
        page.fill("#height_cm", "178")
        page.click("#submit")
        page.wait_for_url("**/jobs/**", timeout=60_000)
        expect(page.locator("#state")).not_to_have_text("…", timeout=30_000)
        expect(page.locator("#open-report")).to_be_visible(timeout=180_000)
        expect(page.locator("#state")).to_have_text("Done — here is your report.")
        page.click("#open-report")
        expect(page.locator("h1")).to_have_text("Running form report", timeout=30_000)
        text = page.locator("body").inner_text()
        assert "side_left" in text and "Cadence" in text
        assert "gaitlab_male_side_treadmill.mp4" in text  # the runner's file name, not a path
        assert page.locator("img").count() == 2  # key frames
        assert "not a diagnosis" in text
        assert page.locator("svg").count() >= 3
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
