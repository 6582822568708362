"""Per-frame joint angles with the per-stride metrics' definitions.

One definition of each angle serves the metrics' series, the gait-cycle curves
(`metrics/gait_cycle.py`) and the OpenSim .mot export (`io/opensim.py`).
"""

from __future__ import annotations

import numpy as np

from formcheck.landmarks import LEG, Side
from formcheck.metrics.compute import frontal_roll_deg, pelvis_tilt_series
from formcheck.metrics.frontal import fppa_series, trunk_sway_series
from formcheck.metrics.geometry import flexion_deg, rotate_points
from formcheck.metrics.side import hip_flexion_series, trunk_lean_series
from formcheck.track import PoseTrack
from formcheck.view import View


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
