"""markers.c3d read back with ezc3d, an independent maintained C3D parser: labels, rate,
units, positions at the analysis's scale and gaps."""

from __future__ import annotations

from pathlib import Path

import ezc3d
import numpy as np
import pytest
from typer.testing import CliRunner

from formcheck.cli import app
from formcheck.io.opensim import MARKERS, marker_positions
from formcheck.landmarks import INDEX
from formcheck.outputs import write_outputs
from formcheck.pipeline import AnalysisRun, AnalyzeOptions, analyze_track_run
from formcheck.synthetic import SyntheticRunner, synthetic_side_track


def _run(height_cm: float | None) -> AnalysisRun:
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=6, fps=50.0,
                                                    dropout_frames=((40, 44),)))
    return analyze_track_run(track, AnalyzeOptions(height_cm=height_cm))


def _read(path: Path) -> tuple[dict, np.ndarray]:
    c3d = ezc3d.c3d(str(path))
    return c3d["parameters"]["POINT"], c3d["data"]["points"]  # (4, markers, frames)


@pytest.mark.parametrize("height_cm", [175.0, None])
def test_markers_c3d_reads_back_with_ezc3d(tmp_path: Path, height_cm: float | None) -> None:
    run = _run(height_cm)
    write_outputs(run.analysis, tmp_path, track=run.track, report=False, overlay=False)
    point, data = _read(tmp_path / "markers.c3d")
    assert list(point["LABELS"]["value"]) == list(MARKERS)
    assert point["RATE"]["value"][0] == pytest.approx(50.0)
    assert data.shape == (4, len(MARKERS), run.track.n_frames)
    scale = run.analysis.scale.metres_per_px
    assert point["UNITS"]["value"] == (["mm"] if height_cm else ["px"])
    expected = marker_positions(run.track, scale) * (1000.0 if scale else 1.0)
    xyz = np.moveaxis(data[:3], (0, 1, 2), (2, 1, 0))  # → (frames, markers, 3)
    gaps = np.isnan(expected).any(axis=-1)
    assert np.array_equal(np.isnan(xyz).any(axis=-1), gaps)  # gaps stay gaps, nothing else
    assert np.allclose(xyz[~gaps], expected[~gaps], rtol=1e-6, atol=1e-3)  # float32 storage
    # y is up: the head is above the ankles in every frame that has both
    head, ankle = MARKERS.index("nose"), MARKERS.index("left_ankle")
    both = ~gaps[:, head] & ~gaps[:, ankle]
    assert (xyz[both, head, 1] > xyz[both, ankle, 1]).all()


def test_export_writes_the_same_c3d(tmp_path: Path) -> None:
    run = _run(170.0)
    write_outputs(run.analysis, tmp_path / "r", track=run.track, report=False, overlay=False)
    done = CliRunner().invoke(app, ["export", str(tmp_path / "r"), "--out", str(tmp_path / "e")])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "e" / "markers.c3d").read_bytes() == \
        (tmp_path / "r" / "markers.c3d").read_bytes()


def test_missing_points_are_invalid_samples(tmp_path: Path) -> None:
    from formcheck.io.c3d_file import c3d_bytes

    run = _run(175.0)
    xy = run.track.image_xy.copy()
    xy[10:15, :, :] = np.nan  # no pose in five frames
    xy[20, INDEX["left_knee"], :] = np.nan  # one point missing in one frame
    track = run.track.with_changes("test gaps", image_xy=xy)
    (tmp_path / "gaps.c3d").write_bytes(c3d_bytes(track, metres_per_px=0.004))
    _, data = _read(tmp_path / "gaps.c3d")
    missing = np.isnan(data[:3]).any(axis=0)  # (markers, frames)
    assert missing[:, 10:15].all()
    assert missing[MARKERS.index("left_knee"), 20] and missing[:, 20].sum() == 1
    assert missing.sum() == 5 * len(MARKERS) + 1
