"""overlay.mp4: every frame of the clip, the measured skeleton drawn, stance and the latest
stride's values right, written atomically beside the other results."""

from __future__ import annotations

import stat
from pathlib import Path

import av
import numpy as np
import pytest
from clips import write_clip

from formcheck.errors import OutputError
from formcheck.outputs import prepare, write_outputs
from formcheck.pipeline import analyze_track_run
from formcheck.report.overlay import draw_frame, panel_rows, stance_mask, strike_mask
from formcheck.synthetic import SyntheticRunner, synthetic_side_track


@pytest.fixture(scope="module")
def run():  # noqa: ANN201
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=6, overstride_leg=0.2))
    return analyze_track_run(track)


def test_stance_mask_follows_the_events(run) -> None:  # noqa: ANN001
    mask = stance_mask(run.analysis, run.track.n_frames)
    for event in run.analysis.events:
        on = mask[event.foot][event.frame]
        assert on  # contact and toe-off frames are both part of the stance
    for stride in run.analysis.strides:
        assert mask[stride.foot][stride.ic_frame:stride.to_frame + 1].all()
    # running: the two feet are never on the ground together
    assert not (mask["left"] & mask["right"]).any()


def test_panel_shows_the_latest_finished_stride(run) -> None:  # noqa: ANN001
    rows = panel_rows(run.analysis, run.track.n_frames)
    assert rows and rows[0].label
    overstride = next(r for r in rows if r.label == "Overstride")
    left = [s for s in run.analysis.strides if s.foot == "left"]
    first, second = left[0], left[1]
    assert np.isnan(overstride.values["left"][first.to_frame - 1])  # not measured yet
    assert overstride.values["left"][first.to_frame] == first.metrics["overstride_pct_leg"]
    assert overstride.values["left"][second.to_frame] == second.metrics["overstride_pct_leg"]


def test_drawing_marks_the_skeleton_in_the_runners_side_colours(run) -> None:  # noqa: ANN001
    track = run.track
    image = np.zeros((track.video.height, track.video.width, 3), np.uint8)
    n = track.n_frames
    apart = np.linalg.norm(track.image_xy[:, 25] - track.image_xy[:, 26], axis=1)
    frame = int(np.nanargmax(apart))  # knees far apart: neither hides the other
    draw_frame(image, track.image_xy[frame], frame, float(track.time_s[frame]),
               stance_mask(run.analysis, n), strike_mask(run.analysis, track.time_s),
               panel_rows(run.analysis, n), run.analysis.cadence_spm)
    for joint, colour in ((25, (255, 150, 40)), (26, (40, 170, 255))):  # left / right knee
        x, y = track.image_xy[frame, joint].round().astype(int)
        assert tuple(image[y, x]) == colour
    assert image[: track.video.height // 2].any()  # the panel


def test_overlay_video_has_every_frame_and_is_written_safely(run, tmp_path: Path) -> None:  # noqa: ANN001
    n = run.track.n_frames
    clip = write_clip(tmp_path / "clip.mp4", [round(1000 * t) for t in run.track.time_s],
                      width=320, height=180)
    out = tmp_path / "out"
    written = write_outputs(run.analysis, out, video=clip, track=run.track)
    overlay = out / "overlay.mp4"
    assert overlay in written and 'src="overlay.mp4"' in (out / "report.html").read_text()
    with av.open(str(overlay)) as container:
        stream = container.streams.video[0]
        times = [f.time for f in container.decode(stream)]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 320, 180)
    assert len(times) == n
    assert np.allclose(times, run.track.time_s - run.track.time_s[0], atol=1e-3)
    assert stat.S_IMODE(overlay.stat().st_mode) & 0o044  # readable like any result
    assert not list(out.glob(".*"))  # no temporary file left behind


def test_a_folder_with_someone_elses_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "overlay.mp4").write_bytes(b"my holiday video")
    with pytest.raises(OutputError) as err:
        prepare(tmp_path)
    assert "overlay.mp4 exists and was not written by formcheck" in str(err.value)


def test_japanese_labels_are_drawn_with_a_japanese_font(run) -> None:  # noqa: ANN001
    """With --lang ja the panel's labels are Japanese, and the font has the glyphs: two
    different kanji give two different pictures (a font without them draws the same box)."""
    from formcheck.report.glyphs import draw_text, font_path, font_px
    from formcheck.texts import metric_label

    assert font_path() is not None
    analysis = run.analysis.model_copy(update={"lang": "ja"})
    rows = panel_rows(analysis, run.track.n_frames)
    assert rows and all(row.label == metric_label(m, "ja") for row, m in
                        zip(rows, _panel_metric_ids(analysis), strict=True))
    pictures = []
    for text in ("左", "右"):
        image = np.zeros((60, 60, 3), np.uint8)
        draw_text(image, text, (10, 45), font_px(1.0), (255, 255, 255))
        assert (image > 128).sum() > 50
        pictures.append(image)
    assert not np.array_equal(*pictures)


def _panel_metric_ids(analysis) -> list[str]:  # noqa: ANN001
    from formcheck.report.order import metric_order
    from formcheck.report.overlay import PANEL_METRICS

    return metric_order(analysis)[:PANEL_METRICS]


def test_overlay_drawn_from_the_kept_frames_does_not_read_the_clip_again(
        run, tmp_path: Path) -> None:  # noqa: ANN001
    """With the pose stage's preview frames the overlay never opens the clip (here: gone),
    and still has every frame at their size."""
    from formcheck.io.preview_frames import PreviewFrames

    n = run.track.n_frames
    preview = PreviewFrames()
    for index in range(n):
        preview.add(index, np.full((180, 320, 3), index % 200, np.uint8))
    out = tmp_path / "out"
    written = write_outputs(run.analysis, out, video=tmp_path / "deleted.mp4",
                            track=run.track, preview=preview)
    preview.close()
    assert out / "overlay.mp4" in written
    with av.open(str(out / "overlay.mp4")) as container:
        frames = list(container.decode(video=0))
    assert len(frames) == n and (frames[0].width, frames[0].height) == (320, 180)


def test_a_failed_overlay_leaves_no_report_that_links_it(run, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """The report is written after the overlay, so a failed overlay leaves none."""
    import formcheck.report.overlay as overlay

    def broken(*args: object, **kwargs: object) -> Path:
        raise OutputError.coded("overlay_no_frames", path="clip.mp4")

    monkeypatch.setattr(overlay, "write_overlay_video", broken)
    out = tmp_path / "out"
    with pytest.raises(OutputError):
        write_outputs(run.analysis, out, video=tmp_path / "clip.mp4", track=run.track)
    assert (out / "analysis.json").is_file()
    assert not (out / "report.html").exists() and not (out / "overlay.mp4").exists()
