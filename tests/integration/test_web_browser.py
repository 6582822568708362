"""End to end in a real headless Chromium (Debian's chromium): upload → progress → report,
with the real model on a real clip, checking what a person would see."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from web_helpers import free_port, wait_for_port

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def server(tmp_path: Path, model_dir: Path):  # noqa: ANN201
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "formcheck.cli", "serve", "--port",
                             str(port), "--data", str(tmp_path / "web")],
                            env={**os.environ, "FORMCHECK_MODEL_DIR": str(model_dir)})
    wait_for_port(port)
    yield f"http://127.0.0.1:{port}/"
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
        video = page.locator("#overlay")
        expect(video).to_be_visible()
        page.wait_for_function("document.getElementById('overlay').readyState >= 1",
                               timeout=30_000)
        duration = page.evaluate("document.getElementById('overlay').duration")
        assert 11.5 < duration < 12.5  # the whole 12 s clip, with the measurements drawn
        downloads = page.locator("#downloads a")
        assert downloads.all_inner_texts() == ["analysis.json", "strides.csv", "overlay.mp4"]
        page.click("#open-report")
        expect(page.locator("h1")).to_have_text("Running form report", timeout=30_000)
        text = page.locator("body").inner_text()
        assert "side_left" in text and "Cadence" in text
        assert "gaitlab_male_side_treadmill.mp4" in text  # the runner's file name, not a path
        assert page.locator("img").count() == 2  # key frames
        assert "not a diagnosis" in text
        assert page.locator("svg").count() >= 3
        assert page.locator("video#overlay").count() == 1  # the report plays it too
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

        # a file that is not a video: refused on the upload page, in the page's language
        page.goto(server + "?lang=ja")
        expect(page.locator("h1")).not_to_have_text("Check your running form")
        not_video = tmp_path / "holiday.mp4"
        not_video.write_bytes(b"GIF89a" + bytes(2000))
        page.set_input_files("#file", str(not_video))
        page.click("#submit")
        expect(page.locator("#error")).to_contain_text("MP4", timeout=30_000)
        assert "読み込めません" in page.locator("#error").inner_text()
        assert "/jobs/" not in page.url
        browser.close()
