"""OpenSim exports: the TRC marker file and the .mot joint angles, read back per the formats
(OpenSim's TRCFileAdapter and Storage conventions), and the angles' agreement with the
per-stride metrics of the same definition."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.io.opensim import MARKERS, joint_angle_series, mot_text, trc_text
from formcheck.landmarks import INDEX
from formcheck.pipeline import AnalysisRun, analyze_track_run
from formcheck.synthetic import (
    FrontalRunner,
    SyntheticRunner,
    synthetic_frontal_track,
    synthetic_side_track,
)
from formcheck.track import PoseTrack
from formcheck.view import View

SCALE = 0.004  # metres per pixel


def read_trc(text: str) -> tuple[dict[str, str], list[str], np.ndarray, np.ndarray]:
    """Header values, marker names, times and (frames, markers, 3) positions (NaN for an
    empty field), parsed as OpenSim's reader does: tab-separated, a field ended by each tab."""
    lines = text.split("\n")
    assert lines[0].split("\t")[:3] == ["PathFileType", "4", "(X/Y/Z)"]
    meta = dict(zip(lines[1].split("\t"), lines[2].split("\t"), strict=True))
    names = [n for n in lines[3].split("\t") if n]
    assert names[:2] == ["Frame#", "Time"]
    n = int(meta["NumMarkers"])
    assert [c for c in lines[4].split("\t") if c] == [f"{a}{i}" for i in range(1, n + 1)
                                                      for a in "XYZ"]
    rows = [line.split("\t")[:-1] for line in lines[5:] if line]  # each field ends with a tab
    assert {len(r) for r in rows} == {2 + 3 * n}
    cells = np.array([[float(c) if c else np.nan for c in r] for r in rows])
    assert np.array_equal(cells[:, 0], np.arange(1, len(rows) + 1))
    return meta, names[2:], cells[:, 1], cells[:, 2:].reshape(len(rows), n, 3)


def read_mot(text: str) -> tuple[dict[str, str], list[str], np.ndarray]:
    head, body = text.split("endheader\n")
    meta = dict(line.split("=", 1) for line in head.splitlines()[1:] if "=" in line)
    lines = body.splitlines()
    return meta, lines[0].split("\t"), np.array([[float(c) for c in r.split("\t")]
                                                  for r in lines[1:]])


@pytest.fixture(scope="module")
def gappy_track() -> PoseTrack:
    """Uneven frame times, a dropout, and single missing points (one in the last marker)."""
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=2, timestamp_jitter=0.2,
                                                    dropout_frames=((10, 13),)))
    xy = track.image_xy.copy()
    xy[20, INDEX["right_foot_index"]] = np.nan
    xy[21, INDEX["nose"], 1] = np.nan
    return track.with_changes("test gaps", image_xy=xy)


@pytest.fixture(scope="module")
def side_run() -> AnalysisRun:
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=6, timestamp_jitter=0.1))
    return analyze_track_run(track)


def test_trc_header_markers_and_times(gappy_track: PoseTrack) -> None:
    meta, names, time_s, _ = read_trc(trc_text(gappy_track, metres_per_px=SCALE,
                                               file_name="run.trc"))
    assert int(meta["NumFrames"]) == gappy_track.n_frames
    assert int(meta["NumMarkers"]) == len(names) == 17
    assert meta["Units"] == "m"
    assert float(meta["DataRate"]) == pytest.approx(gappy_track.fps, rel=1e-5)
    assert names == list(MARKERS)
    for point in ("nose", "left_shoulder", "right_hip", "left_knee", "right_ankle",
                  "left_heel", "right_foot_index"):
        assert point in names
    assert not {"left_eye", "mouth_left", "left_pinky", "right_thumb"} & set(names)
    np.testing.assert_allclose(time_s, gappy_track.time_s, atol=1e-6)


@pytest.mark.parametrize("scale", [SCALE, None], ids=["metres", "pixels"])
def test_trc_flips_y_scales_and_leaves_gaps(gappy_track: PoseTrack,
                                           scale: float | None) -> None:
    meta, names, _, pos = read_trc(trc_text(gappy_track, metres_per_px=scale,
                                            file_name="run.trc"))
    assert meta["Units"] == ("m" if scale else "px")
    xy = gappy_track.image_xy[:, [INDEX[n] for n in names]]
    s = scale or 1.0
    tol = 1e-6 if scale else 1e-3  # the written digits
    missing = np.isnan(xy).any(axis=-1)
    assert np.array_equal(np.isnan(pos).all(axis=-1), missing)
    assert np.array_equal(np.isnan(pos).any(axis=-1), missing)
    np.testing.assert_allclose(pos[..., 0][~missing], s * xy[..., 0][~missing], atol=tol)
    np.testing.assert_allclose(pos[..., 1][~missing], -s * xy[..., 1][~missing], atol=tol)
    assert np.all(pos[..., 2][~missing] == 0.0)
    # the dropout and the single missing points are there as gaps, nothing else is
    assert missing[10:13].all()
    assert missing[20, names.index("right_foot_index")]
    assert missing[21, names.index("nose")]
    assert missing.sum() == 3 * len(names) + 2


def test_trc_uses_newline_line_ends(gappy_track: PoseTrack) -> None:
    text = trc_text(gappy_track, metres_per_px=None, file_name="run.trc")
    assert "\r" not in text and text.endswith("\n")


def test_mot_header_columns_and_gaps(gappy_track: PoseTrack) -> None:
    angles = joint_angle_series(gappy_track, View.SIDE_RIGHT)
    text = mot_text(gappy_track.time_s, angles, name="run_angles")
    assert text.splitlines()[:2] == ["run_angles", "version=1"]
    assert "\r" not in text
    meta, columns, rows = read_mot(text)
    assert columns == ["time", "knee_flexion_l", "hip_flexion_l", "knee_flexion_r",
                       "hip_flexion_r", "trunk_lean"]
    assert meta["inDegrees"] == "yes"
    assert int(meta["nColumns"]) == rows.shape[1] == len(columns)
    assert int(meta["nRows"]) == len(rows)
    # frames with a missing angle are left out, every other frame is there
    complete = np.all([np.isfinite(v) for v in angles.values()], axis=0)
    assert not complete[10:13].any()
    np.testing.assert_allclose(rows[:, 0], gappy_track.time_s[complete], atol=1e-6)
    for i, column in enumerate(columns[1:], start=1):
        np.testing.assert_allclose(rows[:, i], angles[column][complete], atol=1e-4)


def test_mot_rejects_a_column_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="knee"):
        mot_text(np.arange(3.0), {"knee": np.zeros(2)}, name="x")


def _mot_of(run: AnalysisRun) -> tuple[list[str], np.ndarray]:
    angles = joint_angle_series(run.track, View(run.analysis.view),
                                roll_deg=run.analysis.scale.roll_deg)
    _, columns, rows = read_mot(mot_text(run.track.time_s, angles, name="angles"))
    return columns, rows


def test_side_angles_are_the_stride_metrics(side_run: AnalysisRun) -> None:
    """The .mot's trunk lean averaged over each stance is that stride's trunk_lean_deg;
    its knee flexion at the contact instant is knee_flexion_ic_deg (which interpolates the
    points between the two frames around the contact, the file the angles: ≤ 0.1°)."""
    columns, rows = _mot_of(side_run)
    assert len(rows) == side_run.track.n_frames
    time_s = rows[:, 0]
    contacts = {(e.foot, e.frame): e.time_s for e in side_run.analysis.events
                if e.type == "initial_contact"}
    strides = [s for s in side_run.analysis.strides if s.metrics.get("trunk_lean_deg")]
    assert len(strides) >= 10
    for s in strides:
        lean = rows[s.ic_frame:s.to_frame, columns.index("trunk_lean")].mean()
        assert lean == pytest.approx(s.metrics["trunk_lean_deg"], abs=2e-3)
        knee = rows[:, columns.index(f"knee_flexion_{s.foot[0]}")]
        at_contact = np.interp(contacts[(s.foot, s.ic_frame)], time_s, knee)
        assert at_contact == pytest.approx(s.metrics["knee_flexion_ic_deg"], abs=0.1)


@pytest.mark.parametrize("front", [False, True], ids=["rear", "front"])
def test_frontal_angles_are_the_stride_metrics(front: bool) -> None:
    """FPPA at midstance is knee_fppa_midstance_deg; the obliquity's median around
    midstance is pelvic_drop_deg (sign by stance foot); trunk sway is the stride's."""
    track, _ = synthetic_frontal_track(FrontalRunner(front=front, roll_deg=3.0))
    run = analyze_track_run(track)
    columns, rows = _mot_of(run)
    assert columns == ["time", "pelvic_obliquity", "fppa_l", "fppa_r", "trunk_sway"]
    assert len(rows) == track.n_frames
    checked = 0
    for s in run.analysis.strides:
        mid = s.midstance_frame
        if mid is None or s.metrics.get("knee_fppa_midstance_deg") is None:
            continue
        sign = 1.0 if s.foot == "left" else -1.0
        fppa = rows[mid, columns.index(f"fppa_{s.foot[0]}")]
        assert fppa == pytest.approx(s.metrics["knee_fppa_midstance_deg"], abs=2e-3)
        drop = np.median(rows[max(0, mid - 2):mid + 3, columns.index("pelvic_obliquity")])
        assert sign * drop == pytest.approx(s.metrics["pelvic_drop_deg"], abs=2e-3)
        sway = rows[mid, columns.index("trunk_sway")]
        assert -sign * sway == pytest.approx(s.metrics["lateral_trunk_sway_deg"], abs=0.02)
        checked += 1
    assert checked >= 10


def test_every_analysis_with_a_track_writes_both_files(tmp_path) -> None:  # noqa: ANN001
    """`write_outputs` (CLI, batch, web) writes keypoints.trc and angles.mot beside the
    analysis, with the overlay or without it; in metres once the runner's height is known,
    at the analysis's own scale (its leg length in cm over its leg length in px)."""
    from formcheck.config import Config
    from formcheck.outputs import write_outputs
    from formcheck.pipeline import AnalyzeOptions

    track, _ = synthetic_side_track(SyntheticRunner(duration_s=6))
    run = analyze_track_run(track, AnalyzeOptions(height_cm=180.0))
    written = write_outputs(run.analysis, tmp_path / "out", track=run.track, report=False,
                            overlay=False)
    names = {p.name for p in written}
    assert {"keypoints.trc", "angles.mot"} <= names and "overlay.mp4" not in names
    meta, markers, times, xyz = read_trc((tmp_path / "out" / "keypoints.trc").read_text())
    assert meta["Units"] == "m" and int(meta["NumFrames"]) == run.track.n_frames
    scale = run.analysis.scale
    assert scale.metres_per_px == pytest.approx(scale.leg_length_cm / 100 / scale.leg_length_px)
    share = Config().metrics.leg_length_per_height
    assert scale.leg_length_cm == pytest.approx(180.0 * share, abs=0.01)
    hip = markers.index("left_hip")
    assert np.allclose(xyz[:, hip, 0], run.track.image_xy[:, INDEX["left_hip"], 0]
                       * scale.metres_per_px, atol=1e-6)
    mot_meta, columns, _ = read_mot((tmp_path / "out" / "angles.mot").read_text())
    assert mot_meta["inDegrees"] == "yes" and "knee_flexion_l" in columns
    without = write_outputs(run.analysis, tmp_path / "no-track", report=False)
    assert not {"keypoints.trc", "angles.mot"} & {p.name for p in without}


def test_export_remakes_the_files_from_a_results_folder(tmp_path) -> None:  # noqa: ANN001
    """`formcheck export` on a results folder (analysis.json + track.npz) writes the same
    keypoints.trc and angles.mot that the analysis wrote; a folder without its track, or a
    file that is not an analysis, is refused with the file named and what to do."""
    from typer.testing import CliRunner

    from formcheck.cli import app
    from formcheck.errors import InputError, exit_code
    from formcheck.outputs import write_outputs
    from formcheck.pipeline import AnalyzeOptions

    track, _ = synthetic_side_track(SyntheticRunner(duration_s=6))
    run = analyze_track_run(track, AnalyzeOptions(height_cm=170.0))
    results = tmp_path / "results"
    write_outputs(run.analysis, results, track=run.track, report=False, overlay=False)
    assert (results / "track.npz").is_file()
    runner = CliRunner()
    done = runner.invoke(app, ["export", str(results / "analysis.json"),
                               "--out", str(tmp_path / "again")])
    assert done.exit_code == 0, done.output
    for name in ("keypoints.trc", "angles.mot"):
        assert (tmp_path / "again" / name).read_text() == (results / name).read_text()

    (results / "track.npz").unlink()
    missing = runner.invoke(app, ["export", str(results)])
    assert missing.exit_code == exit_code(InputError)
    assert "no pose track" in " ".join(missing.output.split())  # the terminal wraps lines
    assert "results/analysis.json" in "".join(missing.output.split())
    (tmp_path / "not.json").write_text("{}")
    bad = runner.invoke(app, ["export", str(tmp_path / "not.json")])
    assert bad.exit_code == exit_code(InputError)
    assert "not a formcheck analysis" in " ".join(bad.output.split())
