"""Image features measured on the frames around the runner, for any pose backend.

- back concavity: the silhouette's lower-back hollow (needs the backend's person mask);
- waistband line: the frontal-plane pelvis evidence (`waistline.py`);
- ground shift: how the ground at the feet moved since the previous frame (`ground_motion.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.landmarks import (
    LEFT_HEEL,
    LEFT_HIP,
    LEFT_SHOULDER,
    LEFT_TOE,
    RIGHT_HEEL,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    RIGHT_TOE,
)
from formcheck.pose.backend import FramePose
from formcheck.pose.ground_motion import ground_shift, to_flow_gray
from formcheck.pose.silhouette import edge_concavity
from formcheck.pose.waistline import waist_line

NO_CONCAVITY = (np.nan, np.nan)
NO_WAIST = (np.nan, 0.0)
NO_SHIFT = (np.nan, np.nan)


@dataclass(frozen=True)
class FrameFeatures:
    concavity: tuple[float, float]
    waist: tuple[float, float]
    ground: tuple[float, float]  # px of the clip's full size


class FeatureExtractor:
    """Per-frame image features; keeps the previous frame for the ground motion.

    The back contour is measured by the caller with `back_concavity` right after the model
    (a backend's mask may live only until its next frame); the rest here, on another thread.
    """

    def __init__(self, full_size: tuple[int, int]) -> None:
        self.full_size = np.array(full_size, dtype=float)  # (width, height) of the clip
        self._previous: np.ndarray | None = None

    def measure(self, rgb: np.ndarray, pose: FramePose | None,
                concavity: tuple[float, float] = NO_CONCAVITY) -> FrameFeatures:
        gray, _ = to_flow_gray(rgb)
        previous, self._previous = self._previous, gray
        if pose is None:
            return FrameFeatures(NO_CONCAVITY, NO_WAIST, NO_SHIFT)
        return FrameFeatures(concavity, _waist(rgb, pose.xy),
                             self._ground(previous, gray, pose.xy))

    def _ground(self, previous: np.ndarray | None, gray: np.ndarray,
                norm_xy: np.ndarray) -> tuple[float, float]:
        if previous is None or previous.shape != gray.shape:
            return NO_SHIFT
        feet = norm_xy[[LEFT_HEEL, RIGHT_HEEL, LEFT_TOE, RIGHT_TOE]]
        if not np.isfinite(feet).any():
            return NO_SHIFT
        dx, dy = ground_shift(previous, gray, norm_xy, np.nanmean(feet, axis=0))
        return (dx * self.full_size[0], dy * self.full_size[1])


def back_concavity(pose: FramePose | None) -> tuple[float, float]:
    """The back contour's hollow, measured in the mask's own pixels (any resolution)."""
    if pose is None or pose.mask is None:
        return NO_CONCAVITY
    mask_size = np.array([pose.mask.shape[1], pose.mask.shape[0]], dtype=float)
    shoulder = 0.5 * (pose.xy[LEFT_SHOULDER] + pose.xy[RIGHT_SHOULDER])
    hip = 0.5 * (pose.xy[LEFT_HIP] + pose.xy[RIGHT_HIP])
    if not (np.isfinite(shoulder).all() and np.isfinite(hip).all()):
        return NO_CONCAVITY
    value = edge_concavity(pose.mask, shoulder * mask_size, hip * mask_size)
    return (float(value[0]), float(value[1]))


def _waist(rgb: np.ndarray, norm_xy: np.ndarray) -> tuple[float, float]:
    size = np.array([rgb.shape[1], rgb.shape[0]], dtype=float)
    shoulder = 0.5 * (norm_xy[LEFT_SHOULDER] + norm_xy[RIGHT_SHOULDER]) * size
    if not np.isfinite(shoulder).all():
        return NO_WAIST
    return waist_line(rgb, norm_xy[LEFT_HIP] * size, norm_xy[RIGHT_HIP] * size, shoulder)
