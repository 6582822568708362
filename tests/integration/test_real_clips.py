"""The real pipeline with the real model on real clips from ../shared/data/real."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.errors import CaptureQualityError
from formcheck.pipeline import analyze_video

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def gaitlab(model_dir: Path, data_dir: Path):  # noqa: ANN201
    return analyze_video(data_dir / "real" / "gaitlab_male_side_treadmill.mp4")


def test_gaitlab_cadence_matches_pixel_ground_truth(gaitlab) -> None:  # noqa: ANN001
    # ground truth 168.9 ± 0.5 steps/min, measured from pixels without a pose model
    assert gaitlab.cadence_spm == pytest.approx(168.9, abs=2.0)


def test_gaitlab_view_is_side_left(gaitlab) -> None:  # noqa: ANN001
    # the runner travels toward image left, so the left side faces the camera
    assert gaitlab.view == "side_left"


def test_gaitlab_initial_contacts_alternate(gaitlab) -> None:  # noqa: ANN001
    feet = [e.foot for e in gaitlab.events if e.type == "initial_contact"]
    assert len(feet) >= 20
    alternating = np.mean([a != b for a, b in zip(feet, feet[1:], strict=False)])
    assert alternating >= 0.9


def test_gaitlab_contact_time_is_physiological(gaitlab) -> None:  # noqa: ANN001
    for side in ("left", "right"):
        median = gaitlab.summary["contact_time_ms"].model_dump()[side]["median"]
        assert 180 <= median <= 320


def test_distant_runner_is_refused(model_dir: Path, data_dir: Path) -> None:
    """A runner 40-60 px tall must not yield confident numbers."""
    with pytest.raises(CaptureQualityError) as err:
        analyze_video(data_dir / "real" / "hrnet_track_side_distant_stock.mp4")
    assert {"runner_small", "few_strides"} & set(err.value.codes)


def test_walking_clip_is_refused_as_walking(model_dir: Path, data_dir: Path) -> None:
    with pytest.raises(CaptureQualityError) as err:
        analyze_video(data_dir / "real" / "sports2d_demo_walking_side.mp4")
    assert "walking" in err.value.codes


def test_rear_walking_clip_view_and_refusal(model_dir: Path, data_dir: Path) -> None:
    """The only real rear clip: a small walker filmed from a drone. The view must be named
    as rear and the clip refused rather than measured."""
    with pytest.raises(CaptureQualityError) as err:
        analyze_video(data_dir / "real" / "glamr_pexels5738706_walking_rear_drone.mp4")
    assert any(n.code == "view" and n.params["view"] == "rear" for n in err.value.notes)


def test_front_oblique_clip_view_and_refusal(model_dir: Path, data_dir: Path) -> None:
    with pytest.raises(CaptureQualityError) as err:
        analyze_video(data_dir / "real" / "divvi_outdoor_front_road_istock.mp4")
    assert any(n.code == "view" and n.params["view"] == "front" for n in err.value.notes)
    assert "feet_out" in err.value.codes


def test_segmented_parallel_pose_equals_sequential(model_dir: Path, data_dir: Path) -> None:
    """Two 6-s segments on two threads give exactly the one-thread result: the same
    events and metrics (the spec asks for ± 1 frame and ± 0.5°; the plan is worker-independent
    and MediaPipe deterministic, so they are identical)."""
    from formcheck.pipeline import analyze_track
    from formcheck.pose.mediapipe.landmarker import MediaPipeBackend
    from formcheck.pose.segmented import estimate_pose_segmented

    clip = data_dir / "real" / "gaitlab_male_side_treadmill.mp4"
    backend = MediaPipeBackend("full")
    one = estimate_pose_segmented(clip, backend, workers=1, segment_s=6.0)
    two = estimate_pose_segmented(clip, backend, workers=2, segment_s=6.0)
    assert "2 segment(s)" in one.provenance[0]
    assert np.array_equal(one.time_s, two.time_s)
    a, b = analyze_track(one), analyze_track(two)
    assert [(e.foot, e.type, e.frame) for e in a.events] == \
        [(e.foot, e.type, e.frame) for e in b.events]
    assert a.summary == b.summary


def test_batch_with_the_real_model(model_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    """Two real clips on two processes: one analysed, the distant-runner one recorded as
    failed with its reason, and the summary written."""
    from formcheck.batch.ledger import Ledger
    from formcheck.batch.runner import LEDGER_NAME, BatchOptions, run_batch

    clips = [str(data_dir / "real" / "gaitlab_male_side_treadmill.mp4"),
             str(data_dir / "real" / "hrnet_track_side_distant_stock.mp4")]
    result = run_batch(clips, tmp_path / "out", BatchOptions(workers=2))
    assert (result.done, result.failed) == (1, 1)
    ledger = Ledger(tmp_path / "out" / LEDGER_NAME)
    (failed,) = ledger.rows("failed")
    assert "hrnet" in failed.path and "too small to measure" in failed.error
    ledger.close()
    assert (tmp_path / "out" / "summary.parquet").exists()


def test_cli_writes_the_overlay_video(model_dir: Path, data_dir: Path, tmp_path: Path) -> None:
    import av
    from typer.testing import CliRunner

    from formcheck.cli import app

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(data_dir / "real" /
                                                    "gaitlab_male_side_treadmill.mp4"),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    with av.open(str(out / "overlay.mp4")) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        # upright portrait like the phone showed it, scaled to at most 960 px
        assert (stream.width, stream.height) == (540, 960)
    assert frames == 360


def test_mediapipe_log_lines_are_silent(model_dir: Path, data_dir: Path,
                                         tmp_path: Path) -> None:
    """MediaPipe's C++ lines (e.g. "DestroyAccelerator") bypass Python: a real process must
    show none of them on stderr (`--verbose` lets them through)."""
    import subprocess
    import sys

    clip = str(data_dir / "real" / "gaitlab_male_side_treadmill.mp4")
    command = [sys.executable, "-c", "from formcheck.cli import app; app()", "analyze", clip,
               "--no-overlay", "--workers", "1"]
    quiet = subprocess.run(command + ["--out", str(tmp_path / "a")], capture_output=True,
                           text=True, timeout=600)
    assert quiet.returncode == 0, quiet.stderr
    assert "DestroyAccelerator" not in quiet.stderr and "I0000" not in quiet.stderr
    assert quiet.stderr.strip() == ""
