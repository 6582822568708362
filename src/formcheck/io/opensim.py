"""OpenSim exports: the cleaned 2D keypoints as a TRC marker file and per-frame joint angles
as a .mot storage file. Pure text builders; write them with `results.atomic_write_text`.

Formats as OpenSim 4's readers take them (`TRCFileAdapter`, `Storage`):

- TRC: five header lines, then one tab-separated row per frame (`Frame#`, `Time`, then X, Y,
  Z per marker). Every field is followed by a tab, as OpenSim writes it: its tokenizer keeps
  an empty field between two tabs (read as NaN, a gap) but drops one at the end of a line
  without a closing tab, so a gap in the last marker would shorten the row.
- .mot: `name`, `version=1`, `nRows=`, `nColumns=` (time included), `inDegrees=yes`,
  `endheader`, the column labels, then rows.
"""

from __future__ import annotations

import numpy as np

from formcheck.landmarks import FACE, INDEX, LEG, NAMES, NOSE, Side
from formcheck.metrics.compute import frontal_roll_deg, pelvis_tilt_series
from formcheck.metrics.frontal import fppa_series, trunk_sway_series
from formcheck.metrics.geometry import flexion_deg, rotate_points
from formcheck.metrics.side import hip_flexion_series, trunk_lean_series
from formcheck.track import PoseTrack
from formcheck.view import View

# The body points: the face's detail points and the hands' finger points are left out.
_HAND = {f"{side}_{finger}" for side in ("left", "right") for finger in ("pinky", "index",
                                                                          "thumb")}
MARKERS: tuple[str, ...] = tuple(name for i, name in enumerate(NAMES)
                                 if (i == NOSE or i not in FACE) and name not in _HAND)
_MARKER_INDEX = np.array([INDEX[name] for name in MARKERS])


def _number(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def _median_rate(time_s: np.ndarray) -> float:
    """Frames per second from the median frame interval (frames may be unevenly spaced)."""
    return float(1.0 / np.median(np.diff(time_s))) if len(time_s) > 1 else 0.0


def marker_positions(track: PoseTrack, metres_per_px: float | None) -> np.ndarray:
    """(T, markers, 3) positions: x right, y up (the image's y flipped), z = 0; in metres
    when `metres_per_px` is given, else in pixels. NaN where a point is missing."""
    xy = track.image_xy[:, _MARKER_INDEX, :]
    scale = 1.0 if metres_per_px is None else metres_per_px
    out = np.zeros((*xy.shape[:2], 3))
    out[..., 0] = xy[..., 0] * scale
    out[..., 1] = -xy[..., 1] * scale
    out[np.isnan(xy).any(axis=-1)] = np.nan
    return out


def trc_text(track: PoseTrack, *, metres_per_px: float | None, file_name: str) -> str:
    """The cleaned 2D keypoints as an OpenSim TRC marker file (Y up, Z = 0).

    With `metres_per_px` the positions are in metres (`Units` m), fit for OpenSim's tools.
    Without it they stay in pixels and `Units` says `px`: OpenSim knows only length units
    (mm, cm, m), so it opens such a file as a table (`TRCFileAdapter`) but its scaling and
    inverse kinematics stop at "unspecified units"; the file is for viewing and for tools
    that take pixels. Missing points are empty fields, the TRC convention for a gap.
    DataRate is the median frame rate; the Time column is the clip's own timestamps.
    """
    positions = marker_positions(track, metres_per_px)
    n_frames, n_markers = positions.shape[:2]
    rate = f"{_median_rate(track.time_s):.6g}"
    units = "m" if metres_per_px is not None else "px"
    digits = 6 if metres_per_px is not None else 3
    header = [
        f"PathFileType\t4\t(X/Y/Z)\t{file_name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\t"
        "OrigDataStartFrame\tOrigNumFrames",
        f"{rate}\t{rate}\t{n_frames}\t{n_markers}\t{units}\t{rate}\t1\t{n_frames}",
        "Frame#\tTime\t" + "".join(f"{name}\t\t\t" for name in MARKERS),
        "\t\t" + "".join(f"X{i}\tY{i}\tZ{i}\t" for i in range(1, n_markers + 1)),
    ]
    cells = np.where(np.isnan(positions), "",
                     np.char.mod(f"%.{digits}f", np.nan_to_num(positions)))
    rows = [f"{i + 1}\t{_number(t, 6)}\t" + "".join(f"{c}\t" for c in row.ravel())
            for i, (t, row) in enumerate(zip(track.time_s, cells, strict=True))]
    return "\n".join(header + rows) + "\n"


def mot_text(time_s: np.ndarray, angles: dict[str, np.ndarray], *, name: str) -> str:
    """Joint angles (degrees) as an OpenSim .mot storage file (version 1, in degrees).

    Storage files have no gap convention, and OpenSim's reader of version-1 files (`Storage`,
    which loads motions) parses numbers with C++ streams: it stops at the first `NaN` and
    silently keeps only the rows before it, and an empty field would shift the later values
    into the wrong columns. So frames where any angle is missing are left out; the time
    column says where the gaps are and OpenSim interpolates across them.
    """
    columns = list(angles)
    for column in columns:
        if len(angles[column]) != len(time_s):
            raise ValueError(f"{column}: {len(angles[column])} values for {len(time_s)} times")
    values = np.column_stack([np.asarray(time_s, float), *(angles[c] for c in columns)])
    values = values[np.isfinite(values).all(axis=1)]
    cells = np.char.mod("%.4f", values)
    cells[:, 0] = np.char.mod("%.6f", values[:, 0])
    header = [name, "version=1", f"nRows={len(values)}", f"nColumns={len(columns) + 1}",
              "inDegrees=yes", "endheader", "\t".join(["time", *columns])]
    return "\n".join(header + ["\t".join(row) for row in cells]) + "\n"


def _side_angles(xy: np.ndarray, forward: int) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for side, tag in ((Side.LEFT, "l"), (Side.RIGHT, "r")):
        hip, knee, ankle, _, _ = LEG[side]
        out[f"knee_flexion_{tag}"] = flexion_deg(xy[:, hip], xy[:, knee], xy[:, ankle])
        out[f"hip_flexion_{tag}"] = hip_flexion_series(xy, hip, knee, forward)
    out["trunk_lean"] = trunk_lean_series(xy, forward)
    return out


def _frontal_angles(track: PoseTrack, xy: np.ndarray, view: View) -> dict[str, np.ndarray]:
    geometry_left = view.left_image_sign
    out = {"pelvic_obliquity": pelvis_tilt_series(track, xy, view)[0]}
    for side, tag in ((Side.LEFT, "l"), (Side.RIGHT, "r")):
        outward = geometry_left if side is Side.LEFT else -geometry_left
        out[f"fppa_{tag}"] = fppa_series(xy, side, outward)
    out["trunk_sway"] = trunk_sway_series(xy, -geometry_left)
    return out


def joint_angle_series(track: PoseTrack, view: View, *,
                       roll_deg: float | None = None) -> dict[str, np.ndarray]:
    """Per-frame angles (degrees) with the per-stride metrics' definitions.

    Side views: `knee_flexion_l/r` (180° − hip-knee-ankle, as `knee_flexion_ic_deg`),
    `hip_flexion_l/r` (thigh against the trunk line, + = knee ahead), `trunk_lean` (as
    `trunk_lean_deg`, + forward). Rear/front views: `pelvic_obliquity` (as the series behind
    `pelvic_drop_deg`: + = runner's right side lower, the runner's median removed),
    `fppa_l/r` (as `knee_fppa_deg`, + valgus), `trunk_sway` (+ toward the runner's right).

    The picture is levelled by `roll_deg` first, as the metrics do: pass the analysis's
    `scale.roll_deg`. Without it side views are not levelled and rear/front views use the
    hip line's own roll (what the analysis uses for them).
    """
    if roll_deg is None:
        roll_deg = 0.0 if view.is_side else frontal_roll_deg(track)
    centre = (track.video.width / 2.0, track.video.height / 2.0)
    xy = rotate_points(track.image_xy, -roll_deg, centre)
    if view.is_side:
        return _side_angles(xy, view.forward_sign)
    return _frontal_angles(track, xy, view)
