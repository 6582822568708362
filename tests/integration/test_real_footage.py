"""Real phone footage, the way runners hand it over: odd frame sizes, re-encodes, crops,
dropped frames and cut-short files. Each must give the same answer or say what is wrong."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from clips import firm_severities, letterbox, reencode

from formcheck.pipeline import analyze_video, analyze_video_run
from formcheck.schema import Analysis

pytestmark = pytest.mark.integration
CLIP = "gaitlab_male_side_treadmill.mp4"


@pytest.fixture(scope="module")
def original(model_dir: Path, data_dir: Path) -> Analysis:
    return analyze_video(data_dir / "real" / CLIP)


def _codes(analysis: Analysis) -> set[str]:
    return {q.code for q in analysis.quality}


@pytest.mark.parametrize("width, height", [(854, 480), (360, 636)])
def test_odd_frame_sizes_find_the_runner_as_the_original(original: Analysis, data_dir: Path,
                                                         tmp_path: Path, width: int,
                                                         height: int) -> None:
    """The portrait clip letterboxed into a landscape or odd-width frame: the runner is found
    in every frame as in the original (before the fix: in none), and the step rhythm holds.
    The runner is smaller here (e.g. ~200 px tall in 854×480), so a few strides may drop."""
    clip = reencode(data_dir / "real" / CLIP, tmp_path / f"{width}x{height}.mp4",
                    transform=lambda rgb: letterbox(rgb, width, height))
    run = analyze_video_run(clip)
    assert run.track.detected.mean() == pytest.approx(1.0, abs=0.02)
    assert len(run.analysis.strides) >= 0.85 * len(original.strides)
    assert run.analysis.cadence_spm == pytest.approx(original.cadence_spm, abs=1.5)


@pytest.mark.parametrize("variant", ["crf28", "crop10"])
def test_reencode_and_crop_keep_the_findings(original: Analysis, data_dir: Path,
                                             tmp_path: Path, variant: str) -> None:
    def crop(rgb: np.ndarray) -> np.ndarray:  # 10 % off each side, runner kept in frame
        h, w = rgb.shape[:2]
        return rgb[:, int(0.1 * w) // 2 * 2: w - int(0.1 * w) // 2 * 2]

    clip = reencode(data_dir / "real" / CLIP, tmp_path / f"{variant}.mp4",
                    crf=28 if variant == "crf28" else 18,
                    transform=crop if variant == "crop10" else None)
    analysis = analyze_video(clip)
    ours, theirs = firm_severities(analysis), firm_severities(original)
    shared = set(ours) & set(theirs)
    assert len(shared) >= len(theirs) - 2
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}
    assert analysis.cadence_spm == pytest.approx(original.cadence_spm, abs=1.5)


def test_dropped_frames_are_reported_and_timing_holds(original: Analysis, data_dir: Path,
                                                      tmp_path: Path) -> None:
    clip = reencode(data_dir / "real" / CLIP, tmp_path / "dropped.mp4",
                    keep=lambda i: i % 3 != 2)
    analysis = analyze_video(clip)
    assert "dropped_frames" in _codes(analysis)
    assert analysis.cadence_spm == pytest.approx(168.9, abs=3.0)


def test_a_cut_short_file_says_so(data_dir: Path, tmp_path: Path, model_dir: Path) -> None:
    """A faststart MP4 cut at 60 %: the header promises 12 s; what decodes is analysed and
    the report says the file is cut short."""
    full = reencode(data_dir / "real" / CLIP, tmp_path / "full.mp4")
    import av

    fast = tmp_path / "fast.mp4"
    with av.open(str(full)) as src, av.open(str(fast), "w",
                                            options={"movflags": "faststart"}) as dst:
        stream = dst.add_stream_from_template(src.streams.video[0])
        for packet in src.demux(src.streams.video[0]):
            if packet.dts is None:
                continue
            packet.stream = stream
            dst.mux(packet)
    data = fast.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(0.6 * len(data))])
    analysis = analyze_video(cut)
    assert "truncated" in _codes(analysis)
    assert analysis.video.duration_s > 11.0
