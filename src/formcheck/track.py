"""`PoseTrack`: the one pose container that flows from the pose step to the metrics.

Axes: T frames × 33 landmarks × (x, y) pixels in the upright (rotation-corrected) image,
x → right, y → down. World landmarks are MediaPipe's metric hip-centred coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from formcheck.landmarks import N_LANDMARKS


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a clip (after rotation)."""

    path: str
    width: int
    height: int
    fps: float
    n_frames: int
    duration_s: float
    rotation_deg: int = 0
    variable_frame_rate: bool = False


@dataclass(frozen=True)
class PoseTrack:
    """Per-frame pose of one runner.

    Attributes
    ----------
    time_s : (T,) container timestamps in seconds (not i/fps: phones record variable rate).
    image_xy : (T, 33, 2) pixel coordinates, NaN where no pose was found.
    visibility : (T, 33) MediaPipe visibility in [0, 1] (0 where no pose).
    world_xyz : (T, 33, 3) MediaPipe world landmarks in metres (NaN where no pose).
    back_concavity : (T, 2) depth of the silhouette's concavity between shoulder and hip height
        on the image-left and image-right edge, as a fraction of trunk length (NaN if no mask).
    waist_line : (T, 2) tilt of the waistband edge between the hips (degrees, + = image-right
        end lower) and its colour contrast; the frontal-plane pelvis evidence.
    ground_shift : (T, 2) image displacement (px) of the ground at the feet since the previous
        frame, from the background (camera shake and panning; the belt's or the ground's
        scroll); NaN where it could not be measured. None for tracks made without it.
    provenance : the processing steps applied, in order (like `movement`'s attrs).
    """

    time_s: np.ndarray
    image_xy: np.ndarray
    visibility: np.ndarray
    world_xyz: np.ndarray
    video: VideoInfo
    model: str = "unknown"
    back_concavity: np.ndarray | None = None
    provenance: tuple[str, ...] = field(default_factory=tuple)
    waist_line: np.ndarray | None = None  # (T, 2): angle (deg, + image-right lower), contrast
    ground_shift: np.ndarray | None = None  # (T, 2): ground displacement since previous frame

    def __post_init__(self) -> None:
        t = len(self.time_s)
        if self.image_xy.shape != (t, N_LANDMARKS, 2):
            raise ValueError(f"image_xy must be ({t}, {N_LANDMARKS}, 2), got {self.image_xy.shape}")
        if self.visibility.shape != (t, N_LANDMARKS):
            raise ValueError(f"visibility must be ({t}, {N_LANDMARKS})")
        if self.world_xyz.shape != (t, N_LANDMARKS, 3):
            raise ValueError(f"world_xyz must be ({t}, {N_LANDMARKS}, 3)")
        if t > 1 and np.any(np.diff(self.time_s) <= 0):
            raise ValueError("time_s must increase strictly")

    @property
    def n_frames(self) -> int:
        return len(self.time_s)

    @property
    def detected(self) -> np.ndarray:
        """(T,) True where the runner's pose is present."""
        return ~np.isnan(self.image_xy[:, :, 0]).all(axis=1)

    @property
    def fps(self) -> float:
        """Median frame rate from the timestamps."""
        if self.n_frames < 2:
            return self.video.fps
        return float(1.0 / np.median(np.diff(self.time_s)))

    @property
    def is_variable_rate(self) -> bool:
        """True when frame intervals vary by more than 10 % (a phone's variable frame rate)."""
        if self.n_frames < 3:
            return False
        dt = np.diff(self.time_s)
        return bool(np.std(dt) > 0.1 * np.median(dt))

    def with_changes(self, step: str, **changes: Any) -> PoseTrack:
        """A new track with some arrays replaced and `step` appended to the provenance."""
        return replace(self, provenance=(*self.provenance, step), **changes)

    def point(self, index: int) -> np.ndarray:
        """(T, 2) image trajectory of one landmark."""
        return self.image_xy[:, index, :]

    def midpoint(self, a: int, b: int) -> np.ndarray:
        """(T, 2) midpoint of two landmarks."""
        return 0.5 * (self.image_xy[:, a, :] + self.image_xy[:, b, :])
