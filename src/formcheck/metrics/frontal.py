"""Rear- and front-view metrics (docs/metrics.md). Frames are levelled for camera roll first.

Sides are the runner's: in a rear view the runner's left is image left; a front view mirrors.
"""

from __future__ import annotations

import numpy as np

from formcheck.landmarks import LEFT_HIP, LEG, RIGHT_HIP, Side
from formcheck.metrics.context import FrontalStrideContext
from formcheck.metrics.geometry import flexion_deg, trunk_tilt_deg
from formcheck.metrics.registry import Guidance, register

FRONTAL = ("frontal",)
FOOT_LENGTH_LEG = 0.27  # heel-landmark → toe-landmark distance as a share of leg length


def hip_line_deg(xy: np.ndarray) -> np.ndarray:
    """Per-frame angle of the hip line, + = the runner's right hip lower in the image.

    `xy` (..., 33, 2). Independent of view: measured from the left hip to the right hip with
    the horizontal component taken as a magnitude.
    """
    d = xy[..., RIGHT_HIP, :] - xy[..., LEFT_HIP, :]
    return np.degrees(np.arctan2(d[..., 1], np.abs(d[..., 0])))


def fppa_series(xy: np.ndarray, foot: Side, outward: int) -> np.ndarray:
    """Frontal-plane projection angle of `foot`'s knee in (..., 33, 2) landmarks: + valgus
    (knee medial of the hip-ankle line), − varus. `outward`: image-x sign away from the body
    on that side."""
    hip, knee, ankle, _, _ = (xy[..., i, :] for i in LEG[foot])
    angle = flexion_deg(hip, knee, ankle)
    along = (knee[..., 1] - hip[..., 1]) / np.where(ankle[..., 1] == hip[..., 1], np.nan,
                                                    ankle[..., 1] - hip[..., 1])
    line_x = hip[..., 0] + along * (ankle[..., 0] - hip[..., 0])
    return np.where((knee[..., 0] - line_x) * -outward >= 0, angle, -angle)


def fppa_deg(c: FrontalStrideContext, frames: slice | int) -> np.ndarray:
    """The stride's knee FPPA at `frames` (see `fppa_series`)."""
    return fppa_series(c.xy[frames], c.foot, c.geometry.outward(c.foot))


def trunk_sway_series(xy: np.ndarray, outward: int) -> np.ndarray:
    """Per-frame hip-mid→shoulder-mid from vertical in (..., 33, 2) landmarks, + toward the
    side whose image-x sign is `outward`."""
    return trunk_tilt_deg(xy, outward)


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


@register("pelvic_drop_deg", "deg", FRONTAL,
          "hip line at midstance against the runner's own average; + = the swing-side hip "
          "lower (contralateral drop)",
          Guidance(None, 6.0, 10.0, "Bramah 2018"), sdd=2.8)
def pelvic_drop_deg(c: FrontalStrideContext) -> float | None:
    window = c.geometry.pelvis_tilt_deg[max(0, c.mid - 2):c.mid + 3]
    if not np.isfinite(window).any():
        return None
    angle = float(np.nanmedian(window))
    # + means the right side is lower: a contralateral drop when the left foot is in stance
    return angle if c.foot is Side.LEFT else -angle


@register("knee_fppa_deg", "deg", FRONTAL,
          "180° − hip-knee-ankle angle in the image, the largest in stance; + valgus "
          "(knee inside the hip-ankle line), − varus (O-leg)",
          Guidance(-5.0, 10.0, 15.0, "Dingenen 2018; document 000; document 002"), sdd=3.0)
def knee_fppa_deg(c: FrontalStrideContext) -> float | None:
    values = fppa_deg(c, c.stance)
    if not np.isfinite(values).any():
        return None
    return float(values[np.nanargmax(np.abs(values))])


@register("knee_fppa_midstance_deg", "deg", FRONTAL, "as knee_fppa_deg, at midstance",
          sdd=3.0)
def knee_fppa_midstance_deg(c: FrontalStrideContext) -> float | None:
    return _finite(float(fppa_deg(c, c.mid)))


@register("toe_out_deg", "deg", FRONTAL,
          "foot progression angle at midstance, front view only: asin(sideways heel→toe "
          "offset in the image / expected foot length); + = toes out",
          Guidance(None, 10.0, 15.0, "document 002"), sdd=2.3, cameras=("front",))
def toe_out_deg(c: FrontalStrideContext) -> float | None:
    """From behind the foot points away from the camera and is foreshortened: not measured."""
    if c.geometry.left_image_sign < 0:
        return None
    _, _, _, heel, toe = LEG[c.foot]
    dx = (c.xy[c.mid, toe, 0] - c.xy[c.mid, heel, 0]) * c.geometry.outward(c.foot)
    ratio = dx / (FOOT_LENGTH_LEG * c.leg_px)
    return _finite(np.degrees(np.arcsin(np.clip(ratio, -1.0, 1.0))))


@register("toe_out_world_deg", "deg", FRONTAL,
          "as toe_out_deg but from MediaPipe's world landmarks (kept for validation: it "
          "measured 7.5° median error from the front and fails from behind)", sdd=2.3,
          validation_only=True)
def toe_out_world_deg(c: FrontalStrideContext) -> float | None:
    _, _, _, heel, toe = LEG[c.foot]
    v = c.geometry.world[c.mid, toe] - c.geometry.world[c.mid, heel]
    outward = c.geometry.outward(c.foot)
    return _finite(np.degrees(np.arctan2(outward * v[0], c.geometry.forward_depth_sign * v[2])))


@register("lateral_trunk_sway_deg", "deg", FRONTAL,
          "hip-mid→shoulder-mid from vertical at midstance; + = toward the stance side",
          Guidance(None, 5.0, 8.0, "document 003"), sdd=2.3)
def lateral_trunk_sway_deg(c: FrontalStrideContext) -> float | None:
    return _finite(float(trunk_sway_series(c.xy[c.mid], c.geometry.outward(c.foot))))


@register("step_width_pct_pelvis", "% hip width", FRONTAL,
          "side-to-side distance between this foot at midstance and the other foot at its "
          "previous midstance; − = crossover (the foot lands past the midline)", sdd=10.0)
def step_width_pct_pelvis(c: FrontalStrideContext) -> float | None:
    if c.previous_other is None:
        return None
    ankle = LEG[c.foot][2]
    other = LEG[c.foot.other][2]
    dx = c.xy[c.mid, ankle, 0] - c.xy[c.previous_other, other, 0]
    return _finite(100.0 * dx * c.geometry.outward(c.foot) / c.geometry.hip_width_px)
