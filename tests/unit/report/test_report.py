"""report.html is one self-contained file with the findings, plots, key frames and safety."""

from __future__ import annotations

import re
from pathlib import Path

import av
import numpy as np
import pytest

from formcheck.io.results import load_analysis
from formcheck.outputs import write_outputs
from formcheck.pipeline import AnalyzeOptions, analyze_track
from formcheck.report.html import render_report
from formcheck.schema import CycleWithheld
from formcheck.synthetic import (
    FrontalRunner,
    SyntheticRunner,
    synthetic_frontal_track,
    synthetic_side_track,
)
from formcheck.texts import ui_texts


def _blank_video(path: Path, width: int, height: int, frames: int) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=60)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for _ in range(frames):
            img = np.full((height, width, 3), 90, np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.mark.slow
def test_report_is_self_contained_and_complete(tmp_path: Path) -> None:
    track, _ = synthetic_side_track(SyntheticRunner(overstride_leg=0.25, duration_s=8))
    video = _blank_video(tmp_path / "clip.mp4", track.video.width, track.video.height,
                         track.n_frames)
    analysis = analyze_track(track).model_copy(
        update={"video": analyze_track(track).video.model_copy(update={"path": str(video)})})
    html = render_report(analysis, video)
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "no network at view time"
    assert html.count("<svg") >= 3  # plots inline
    assert html.count("data:image/jpeg;base64,") == 2  # one key frame per foot
    assert "Overstride" in html and "001_4553355992f4d46f.txt" in html
    assert "not a diagnosis" in html


def test_japanese_report(tmp_path: Path) -> None:
    track, _ = synthetic_frontal_track(FrontalRunner(pelvic_drop_deg=12.0))
    analysis = analyze_track(track, AnalyzeOptions(lang="ja"))
    html = render_report(analysis, None)
    assert 'lang="ja"' in html and "骨盤" in html and "診断ではなく" in html


def test_results_written_and_loaded(tmp_path: Path) -> None:
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=8))
    analysis = analyze_track(track)
    written = write_outputs(analysis, tmp_path / "out")
    assert [p.name for p in written] == ["analysis.json", "strides.csv", "report.html"]
    assert load_analysis(written[0]) == analysis
    assert (tmp_path / "out" / "report.html").stat().st_mode & 0o044  # readable by others


def test_an_analysis_with_a_metric_this_version_does_not_know_still_renders() -> None:
    """Renderers and `compare` work from the Analysis alone: an analysis.json written by a
    later version (one more metric) renders and compares instead of failing on a lookup."""
    from formcheck.compare import compare_analyses
    from formcheck.schema import MetricInfo, MetricSummary, Stat

    track, _ = synthetic_side_track(SyntheticRunner(duration_s=8))
    analysis = analyze_track(track)
    new = "future_metric_deg"
    strides = [s.model_copy(update={"metrics": {**s.metrics, new: 3.0 + i % 3}})
               for i, s in enumerate(analysis.strides)]
    stat = Stat(median=4.0, iqr=1.0, n=len(strides))
    later = analysis.model_copy(update={
        "strides": strides,
        "summary": {**analysis.summary, new: MetricSummary(left=stat, right=stat, both=stat)},
        "metrics": {**analysis.metrics, new: MetricInfo(unit="deg", sign="+ = more",
                                                        ok_min=None, ok_max=5.0, sdd=2.0)}})
    html = render_report(later, None)
    assert "<svg" in html
    assert new in compare_analyses(later, later)


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_report_draws_the_gait_cycle_curves(lang: str) -> None:
    """One plot per curve of the view, stance and swing named, the sign convention and each
    side's toe-off in the caption; a withheld side says why instead."""
    t = ui_texts(lang)  # type: ignore[arg-type]
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=6))
    analysis = analyze_track(track, AnalyzeOptions(lang=lang))  # type: ignore[arg-type]
    html = render_report(analysis, None)
    section = html[html.index(f"<h2>{t['gait_cycle']}</h2>"):]
    section = section[:section.index("<h2>", 4)]
    assert section.count("<svg") == len(analysis.gait_cycle) == 3
    assert t["cycle_stance"] in section and t["cycle_swing"] in section
    for angle in analysis.gait_cycle:
        assert t[f"cycle_{angle}"] in section and t[f"cycle_{angle}_sign"] in section
    knee = analysis.gait_cycle["knee_flexion"]
    withheld = knee.model_copy(update={"right": None, "withheld": {
        "right": CycleWithheld(reason="too_few_cycles", n_cycles=2, min_cycles=3)}})
    html = render_report(analysis.model_copy(update={"gait_cycle": {"knee_flexion": withheld}}))
    assert t["cycle_withheld_too_few_cycles"].format(
        side=t["right"], n=2, min=3) in html.replace("&#39;", "'")
