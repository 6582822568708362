"""Pelvis tilt seen from behind or in front: the waistband line.

MediaPipe's hip landmarks barely follow the pelvis in the frontal plane (measured here: −1…+2°
where the truth is 4–9°). The boundary between shirt and shorts (or the waistband) does: it is
the strongest horizontal colour edge between the hip joints, a little above them. Per column
between the hips we take the row of the strongest vertical colour change and fit a robust line.

Notes
-----
This needs contrast at the waist (different shirt and shorts colours, or a visible
waistband); `strength` reports the edge contrast so callers can refuse weak frames. A loose
shirt hem over the waist follows the pelvis less well than a waistband.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import theilslopes

ABOVE_HIP_TRUNK = 0.55  # search from this far above the hip joints (trunk lengths)
BELOW_HIP_TRUNK = 0.05
MARGIN_HIP_WIDTH = 0.10  # columns beyond the hip joints on each side


def waist_line(rgb: np.ndarray, left_hip: np.ndarray, right_hip: np.ndarray,
               shoulder_mid: np.ndarray) -> tuple[float, float]:
    """(angle in degrees, + = image-right end lower; edge contrast 0–255). NaN if undefined."""
    hip_mid = 0.5 * (left_hip + right_hip)
    trunk = float(np.hypot(*(shoulder_mid - hip_mid)))
    x0, x1 = sorted((float(left_hip[0]), float(right_hip[0])))
    width = x1 - x0
    if not (np.isfinite(trunk) and np.isfinite(width)) or width < 8 or trunk < 8:
        return float("nan"), 0.0
    h, w = rgb.shape[:2]
    c0 = int(np.clip(x0 - MARGIN_HIP_WIDTH * width, 0, w - 1))
    c1 = int(np.clip(x1 + MARGIN_HIP_WIDTH * width, c0 + 1, w))
    r0 = int(np.clip(hip_mid[1] - ABOVE_HIP_TRUNK * trunk, 0, h - 2))
    r1 = int(np.clip(hip_mid[1] + BELOW_HIP_TRUNK * trunk, r0 + 2, h))
    region = rgb[r0:r1, c0:c1].astype(np.float32)
    if region.shape[0] < 3 or region.shape[1] < 5:
        return float("nan"), 0.0
    gradient = np.linalg.norm(np.diff(region, axis=0), axis=2)
    rows = np.argmax(gradient, axis=0) + r0 + 0.5
    strength = gradient.max(axis=0)
    strong = strength > 0.5 * np.median(strength)
    if strong.sum() < 5:
        return float("nan"), float(np.median(strength))
    cols = np.arange(c0, c1)[strong]
    slope = theilslopes(rows[strong], cols).slope
    return float(np.degrees(np.arctan(slope))), float(np.median(strength[strong]))
