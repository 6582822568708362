"""The seam between formcheck and a pose model.

A backend finds one runner per frame and maps its keypoints into formcheck's skeleton
(`landmarks.NAMES`: 33 named points in the BlazePose layout; a backend without some of them
leaves them NaN with visibility 0; world coordinates and a person mask are optional). The
pose stage (`pose/stage.py`) feeds it frames and computes the image features (`features.py`)
itself, so every backend gets the waistband line and the ground motion, and the back contour
whenever it supplies a mask.

Adding a backend: a picklable `PoseBackend` (its settings) whose `open()` returns a
`FrameDetector` in the process that runs it (segments may run in worker processes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from formcheck.config import PoseConfig
from formcheck.landmarks import INDEX, N_LANDMARKS


@dataclass(frozen=True)
class FramePose:
    """One runner in one frame, in formcheck's skeleton.

    xy : (33, 2) image position normalised by the frame's width and height; NaN = not found.
    visibility : (33,) confidence in [0, 1]; 0 where the point is missing.
    world : (33, 3) metres, hip-centred (MediaPipe's convention), or None.
    mask : (h, w) person probability at any resolution, or None.
    """

    xy: np.ndarray
    visibility: np.ndarray
    world: np.ndarray | None = None
    mask: np.ndarray | None = None


class FrameDetector(Protocol):
    def detect(self, rgb: np.ndarray, time_ms: int, index: int) -> FramePose | None:
        """The runner in this frame (None = nobody found). Frames arrive in time order."""
        ...

    def close(self) -> None: ...


class PoseBackend(Protocol):
    """A pose model's settings; cheap to pickle, opened where the frames are."""

    @property
    def name(self) -> str:
        """Short id recorded in the track (e.g. the MediaPipe model name)."""
        ...

    @property
    def description(self) -> str:
        """One line for the track's provenance."""
        ...

    def open(self, config: PoseConfig) -> FrameDetector: ...


def from_named_points(names: list[str], xy: np.ndarray, scores: np.ndarray) -> FramePose:
    """Map named keypoints (normalised xy, scores) into the skeleton; unknown names are
    ignored, skeleton points without a keypoint stay NaN."""
    out_xy = np.full((N_LANDMARKS, 2), np.nan)
    out_vis = np.zeros(N_LANDMARKS)
    for k, name in enumerate(names):
        i = INDEX.get(name)
        if i is not None and np.isfinite(xy[k]).all():
            out_xy[i], out_vis[i] = xy[k], float(scores[k])
    return FramePose(out_xy, out_vis)
