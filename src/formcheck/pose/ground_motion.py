"""How the ground under the runner's feet moves in the image from one frame to the next.

A hand-held phone shakes and pans; a friend filming the runner go by turns with him. Both move
the whole picture, and the feet with it, so a foot's image height and speed stop meaning
height and speed over the ground. The ground itself shows the camera's motion: corners of the
ground texture and of everything standing on it near the feet are tracked (pyramidal
Lucas–Kanade) from the previous frame, the runner masked out, and a robust affine motion
(RANSAC) is fitted to them. Evaluated at the feet it gives the ground's image displacement
there. An affine model fits both camera rotation (shake, pan) and the parallax of a ground
plane under a camera that travels with the runner (image speed linear in inverse depth).

On a treadmill the belt moves but the deck and the room do not; which of them wins the fit
varies, so callers use only the vertical part there (the belt moves horizontally).
"""

from __future__ import annotations

import cv2
import numpy as np

FLOW_LONG_SIDE_PX = 480  # tracking resolution: enough for sub-pixel ground motion, cheap
MAX_CORNERS = 150
MIN_INLIERS = 12
RUNNER_MARGIN = 0.12  # runner box grown by this share of its height on every side
RANSAC_PX = 1.0  # at tracking resolution


def to_flow_gray(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """Grey image at tracking resolution, and the factor from it to `rgb`'s pixels."""
    h, w = rgb.shape[:2]
    scale = min(1.0, FLOW_LONG_SIDE_PX / max(h, w))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if scale < 1.0:
        gray = cv2.resize(gray, (round(w * scale), round(h * scale)),
                          interpolation=cv2.INTER_AREA)
    return gray, 1.0 / scale


def ground_shift(previous: np.ndarray, current: np.ndarray, points_norm: np.ndarray,
                 feet_norm: np.ndarray) -> tuple[float, float]:
    """Image displacement (normalised x, y) of the ground at the feet from `previous` to
    `current` (grey images at tracking resolution). NaN when it cannot be measured.

    points_norm : (33, 2) the runner's landmarks in this frame, normalised [0, 1].
    feet_norm : (2,) where the displacement is wanted (between the feet), normalised.
    """
    h, w = previous.shape
    mask = _ground_mask(h, w, points_norm)
    if mask is None:
        return (np.nan, np.nan)
    corners = cv2.goodFeaturesToTrack(previous, MAX_CORNERS, 0.01, 6, mask=mask)
    if corners is None or len(corners) < MIN_INLIERS:
        return (np.nan, np.nan)
    moved, status, _ = cv2.calcOpticalFlowPyrLK(previous, current, corners, None,
                                                winSize=(21, 21), maxLevel=3)
    good = status.ravel() == 1
    if good.sum() < MIN_INLIERS:
        return (np.nan, np.nan)
    src, dst = corners[good].reshape(-1, 2), moved[good].reshape(-1, 2)
    affine, inliers = cv2.estimateAffine2D(src, dst, method=cv2.RANSAC,
                                           ransacReprojThreshold=RANSAC_PX)
    if affine is None or int(inliers.sum()) < MIN_INLIERS:
        return (np.nan, np.nan)
    at = np.array([feet_norm[0] * w, feet_norm[1] * h])
    shift = affine[:, :2] @ at + affine[:, 2] - at
    return (float(shift[0] / w), float(shift[1] / h))


def _ground_mask(h: int, w: int, points_norm: np.ndarray) -> np.ndarray | None:
    """Where to look: from the hips down, outside the runner's (grown) box."""
    xy = points_norm[np.isfinite(points_norm).all(axis=1)] * (w, h)
    if len(xy) < 10:
        return None
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    margin = RUNNER_MARGIN * (y1 - y0)
    hip_row = int(np.clip(y0 + 0.45 * (y1 - y0), 0, h - 1))
    mask = np.zeros((h, w), np.uint8)
    mask[hip_row:, :] = 255
    mask[max(0, int(y0 - margin)):min(h, int(y1 + margin) + 1),
         max(0, int(x0 - margin)):min(w, int(x1 + margin) + 1)] = 0
    return mask if mask.any() else None
