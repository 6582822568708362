"""Side-view metrics (docs/metrics.md). Each function: one stride → one value (or None)."""

from __future__ import annotations

import numpy as np

from formcheck.metrics.context import StrideContext
from formcheck.metrics.geometry import (
    flexion_deg,
    inclination_deg,
    lean_from_vertical_deg,
    trunk_tilt_deg,
)
from formcheck.metrics.registry import Guidance, register

SIDE = ("side",)


def _finite(value: float | np.floating | np.ndarray) -> float | None:
    return float(value) if np.isfinite(value) else None


def trunk_lean_series(xy: np.ndarray, forward: int) -> np.ndarray:
    """Per-frame trunk lean of (..., 33, 2) landmarks: hip-mid→shoulder-mid from vertical,
    + toward `forward`."""
    return trunk_tilt_deg(xy, forward)


def hip_flexion_series(xy: np.ndarray, hip: int, knee: int, forward: int) -> np.ndarray:
    """Per-frame hip flexion of (..., 33, 2) landmarks: the thigh (hip→knee) against the
    trunk line, + = knee ahead of the trunk line (flexion), − = extension."""
    thigh = lean_from_vertical_deg(xy[..., knee, :], xy[..., hip, :], -forward)
    return thigh + trunk_lean_series(xy, forward)


@register("overstride_pct_leg", "% leg length", SIDE,
          "+ = heel lands ahead of the hip midpoint (the centre-of-mass proxy)",
          Guidance(None, 8.0, 15.0, "Souza 2016"),
          sdd=3.0)
def overstride_pct_leg(c: StrideContext) -> float | None:
    _, _, _, heel, _ = c.leg_at_contact()
    return _finite(100.0 * c.forward * (heel[0] - c.hip_mid_at_contact()[0]) / c.leg_px)


@register("overstride_cm", "cm", SIDE, "as overstride_pct_leg, scaled by the runner's height",
          sdd=3.0, needs_height=True)
def overstride_cm(c: StrideContext) -> float | None:
    pct = overstride_pct_leg(c)
    return None if pct is None or c.leg_cm is None else pct / 100.0 * c.leg_cm


@register("knee_flexion_ic_deg", "deg", SIDE, "180° − hip-knee-ankle angle at initial contact",
          Guidance(15.0, None, None, "Souza 2016"),
          sdd=3.8)
def knee_flexion_ic_deg(c: StrideContext) -> float | None:
    hip, knee, ankle, _, _ = c.leg_at_contact()
    return _finite(flexion_deg(hip, knee, ankle))


@register("shank_angle_ic_deg", "deg", SIDE,
          "tibia from vertical at initial contact; + = ankle ahead of the knee",
          Guidance(None, 6.0, 10.0, "Souza 2016"), sdd=4.8)
def shank_angle_ic_deg(c: StrideContext) -> float | None:
    _, knee, ankle, _, _ = c.leg_at_contact()
    return _finite(lean_from_vertical_deg(ankle, knee, -c.forward))


@register("foot_strike_angle_deg", "deg", SIDE,
          "heel→toe inclination at contact minus that of the flat foot in midstance; "
          "+ = toes up (rearfoot strike), − = toes down (forefoot)", sdd=2.3)
def foot_strike_angle_deg(c: StrideContext) -> float | None:
    _, _, _, heel, toe = c.leg(slice(c.ic, c.to))
    incline = inclination_deg(heel, toe, c.forward)
    n = len(incline)
    if n < 3:
        return None
    flat = np.nanmedian(incline[n // 3: max(n // 3 + 1, 2 * n // 3)])
    return _finite(incline[0] - flat)


@register("trunk_lean_deg", "deg", SIDE,
          "hip-mid→shoulder-mid from vertical, mean over stance; + forward, − = sway-back",
          Guidance(5.0, 12.0, 16.0, "document 003"),
          sdd=2.3)
def trunk_lean_deg(c: StrideContext) -> float | None:
    lean = trunk_lean_series(c.xy[c.stance], c.forward)
    return _finite(np.nanmean(lean)) if lean.size else None


@register("pelvis_forward_pct_trunk", "% trunk length", SIDE,
          "hip midpoint ahead of the shoulder midpoint, mean over stance; + = pelvis pushed "
          "forward (document 003)", sdd=4.0)
def pelvis_forward_pct_trunk(c: StrideContext) -> float | None:
    offset = c.forward * (c.hip_mid(c.stance)[:, 0] - c.shoulder_mid(c.stance)[:, 0])
    return _finite(100.0 * np.nanmean(offset) / c.trunk_px) if offset.size else None


@register("lumbar_extension_index", "% trunk length", SIDE,
          "depth of the lower-back hollow on the silhouette's back edge, median over stance; "
          "larger = more hollow (an index, not an angle)", sdd=1.5)
def lumbar_extension_index(c: StrideContext) -> float | None:
    if c.back_concavity is None:
        return None
    values = c.back_concavity[c.stance]
    if not np.isfinite(values).any():
        return None
    return float(100.0 * np.nanmedian(values))


@register("vertical_oscillation_pct_leg", "% leg length", SIDE,
          "peak-to-peak vertical travel of the hip midpoint over the stride", sdd=1.0)
def vertical_oscillation_pct_leg(c: StrideContext) -> float | None:
    if c.next_ic_same is None:
        return None
    y = c.hip_mid(slice(c.ic, c.next_ic_same + 1))[:, 1]
    return _finite(100.0 * np.ptp(y) / c.leg_px) if np.isfinite(y).all() else None


@register("contact_time_ms", "ms", SIDE, "initial contact → toe-off of the same foot",
          Guidance(None, 250.0, 300.0, "coaching_rule"), sdd=20.0)
def contact_time_ms(c: StrideContext) -> float | None:
    return float(1000.0 * (c.time_s[c.to] - c.time_s[c.ic]))


@register("flight_time_ms", "ms", SIDE, "toe-off → initial contact of the other foot", sdd=20.0)
def flight_time_ms(c: StrideContext) -> float | None:
    if c.next_ic_other is None:
        return None
    return float(max(0.0, 1000.0 * (c.time_s[c.next_ic_other] - c.time_s[c.to])))
