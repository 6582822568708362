"""Camera view from the landmarks: side (which side faces the camera), rear or front.

Cues, each a per-frame vote summarised by its median over detected frames:
- shoulder and hip width against torso height — narrow in side views, wide in rear/front;
- facing direction in side views — nose ahead of the ears, toes ahead of the heels;
- rear vs front — MediaPipe's world z puts the nose nearer the camera than the hips when the
  runner faces the camera, and the runner's left shoulder appears on image right.

Geometry: a runner travelling toward image left shows the camera their left side (`side_left`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from formcheck.config import ViewConfig
from formcheck.landmarks import (
    LEFT_EAR,
    LEFT_HEEL,
    LEFT_HIP,
    LEFT_SHOULDER,
    LEFT_TOE,
    NOSE,
    RIGHT_EAR,
    RIGHT_HEEL,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    RIGHT_TOE,
)
from formcheck.track import PoseTrack

# The width thresholds, with their reasons, are in `config.ViewConfig` ([view]).


class View(StrEnum):
    SIDE_LEFT = "side_left"  # runner's left side faces the camera
    SIDE_RIGHT = "side_right"
    REAR = "rear"
    FRONT = "front"

    @property
    def is_side(self) -> bool:
        return self in (View.SIDE_LEFT, View.SIDE_RIGHT)

    @property
    def left_image_sign(self) -> int:
        """Image-x sign of the runner's left in rear (-1) and front (+1) views."""
        return -1 if self is View.REAR else 1

    @property
    def forward_sign(self) -> int:
        """+1 if the direction of travel is image-right (side views only)."""
        return -1 if self is View.SIDE_LEFT else 1


@dataclass(frozen=True)
class ViewDecision:
    view: View
    confidence: float  # 0..1
    width_ratio: float  # median body width / torso height
    oblique: bool
    changes_view: bool
    overridden: bool = False
    notes: tuple[tuple[str, dict[str, float | str]], ...] = ()  # (note template, params)
    detected: View | None = None  # what the landmarks say, when `view` was forced

    @property
    def contradicts_landmarks(self) -> bool:
        """A forced side view on a clip that is clearly rear/front, or the reverse."""
        return (self.overridden and self.detected is not None and not self.oblique
                and self.detected.is_side != self.view.is_side and self.confidence >= 0.5)


def _width_ratio(track: PoseTrack) -> np.ndarray:
    xy = track.image_xy
    torso = np.linalg.norm(track.midpoint(LEFT_SHOULDER, RIGHT_SHOULDER)
                           - track.midpoint(LEFT_HIP, RIGHT_HIP), axis=1)
    shoulders = np.abs(xy[:, LEFT_SHOULDER, 0] - xy[:, RIGHT_SHOULDER, 0])
    hips = np.abs(xy[:, LEFT_HIP, 0] - xy[:, RIGHT_HIP, 0])
    with np.errstate(invalid="ignore", divide="ignore"):
        return 0.5 * (shoulders + hips) / torso


def _facing_image_right(track: PoseTrack) -> np.ndarray:
    """Per-frame vote in [-1, 1]: +1 = the runner faces image right."""
    xy = track.image_xy
    ears = 0.5 * (xy[:, LEFT_EAR, 0] + xy[:, RIGHT_EAR, 0])
    nose = np.sign(xy[:, NOSE, 0] - ears)
    toes = np.sign(xy[:, LEFT_TOE, 0] - xy[:, LEFT_HEEL, 0]) \
        + np.sign(xy[:, RIGHT_TOE, 0] - xy[:, RIGHT_HEEL, 0])
    return (nose + 0.5 * toes) / 2.0


def _facing_camera(track: PoseTrack) -> np.ndarray:
    """Per-frame vote in [-1, 1]: +1 = the runner faces the camera (front view)."""
    world = track.world_xyz
    hip_z = 0.5 * (world[:, LEFT_HIP, 2] + world[:, RIGHT_HIP, 2])
    nose_nearer = np.sign(hip_z - world[:, NOSE, 2])
    xy = track.image_xy
    left_on_image_right = np.sign(xy[:, LEFT_SHOULDER, 0] - xy[:, RIGHT_SHOULDER, 0]) \
        + np.sign(xy[:, LEFT_HIP, 0] - xy[:, RIGHT_HIP, 0])
    return (nose_nearer + 0.5 * left_on_image_right) / 2.0


def detect_view(track: PoseTrack, override: View | None = None,
                config: ViewConfig | None = None) -> ViewDecision:
    """Decide the clip's view, with a confidence; `override` wins but is still checked."""
    config = config or ViewConfig()
    ok = track.detected
    width = _width_ratio(track)[ok]
    width = width[np.isfinite(width)]
    if width.size == 0:
        return ViewDecision(override or View.SIDE_LEFT, 0.0, float("nan"), False, False,
                            override is not None, (("view_no_pose", {}),))
    ratio = float(np.median(width))
    side_frames = width < config.side_max_width
    frontal_frames = width > config.frontal_min_width
    oblique = config.side_max_width <= ratio <= config.frontal_min_width
    # The clip changes view if a large share of frames votes for each family.
    changes = min(side_frames.mean(), frontal_frames.mean()) > config.changes_share
    if ratio < 0.5 * (config.side_max_width + config.frontal_min_width):
        vote = _facing_image_right(track)[ok]
        score = float(np.nanmean(vote))
        view = View.SIDE_RIGHT if score > 0 else View.SIDE_LEFT
        family_share = float(side_frames.mean())
    else:
        vote = _facing_camera(track)[ok]
        score = float(np.nanmean(vote))
        view = View.FRONT if score > 0 else View.REAR
        family_share = float(frontal_frames.mean())
    confidence = float(np.clip(abs(score), 0, 1) * family_share)
    notes: list[tuple[str, dict[str, float | str]]] = []
    if oblique:
        notes.append(("view_oblique", {"ratio": float(ratio)}))
    if changes:
        notes.append(("view_changes", {}))
    if override is not None and override != view:
        notes.append(("view_forced", {"forced": override.value, "suggested": view.value}))
        return ViewDecision(override, confidence, ratio, oblique, changes, True, tuple(notes),
                            detected=view)
    return ViewDecision(view, confidence, ratio, oblique, changes, override is not None,
                        tuple(notes))
