"""OpenSim exports: the cleaned 2D keypoints as a TRC marker file and per-frame joint angles
as a .mot storage file. Pure text builders; write them with `results.atomic_write_text`.
The angles are `metrics.angle_series.joint_angle_series` (re-exported here), the per-stride
metrics' own definitions.

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

from formcheck.landmarks import FACE, INDEX, NAMES, NOSE
from formcheck.metrics.angle_series import joint_angle_series
from formcheck.track import PoseTrack

__all__ = ["MARKERS", "joint_angle_series", "marker_positions", "mot_text", "trc_text"]

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
