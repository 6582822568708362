"""What a per-stride metric function sees: the stride's frames and the clip's scale."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from formcheck.landmarks import LEFT_HIP, LEFT_SHOULDER, LEG, RIGHT_HIP, RIGHT_SHOULDER, Side


@dataclass(frozen=True)
class FrontalGeometry:
    """What rear/front metrics need beyond the image: which way is the runner's left, which
    way they travel in MediaPipe's world depth, and the clip's scales."""

    left_image_sign: int  # image-x sign of the runner's left: -1 rear view, +1 front view
    world: np.ndarray  # (T, 33, 3) MediaPipe world landmarks
    hip_width_px: float
    pelvis_tilt_deg: np.ndarray  # (T,) + = runner's right side lower, runner's neutral removed
    pelvis_source: str  # "waistband edge" or "hip landmarks"

    def outward(self, foot: Side) -> int:
        """Image-x sign pointing away from the body on `foot`'s side."""
        return self.left_image_sign if foot is Side.LEFT else -self.left_image_sign

    @property
    def forward_depth_sign(self) -> int:
        """World-z sign of the direction of travel (+z = away from the camera)."""
        return 1 if self.left_image_sign < 0 else -1


@dataclass(frozen=True)
class StrideContext:
    """One stride of one foot: IC → next IC of the same foot.

    `xy` is the whole clip's (T, 33, 2) roll-corrected image landmarks; frame indices refer
    to it. `forward` is +1 when the runner travels toward image right.
    """

    foot: Side
    ic: int
    to: int
    next_ic_same: int | None
    next_ic_other: int | None
    time_s: np.ndarray
    xy: np.ndarray
    forward: int
    leg_px: float
    trunk_px: float
    leg_cm: float | None
    back_concavity: np.ndarray | None  # (T,) on the runner's back edge
    midstance: int | None = None
    previous_other: int | None = None  # midstance of the other foot's previous stance
    ic_at: float | None = None  # the contact instant as a fractional frame index

    def point(self, index: int, frame: int) -> np.ndarray:
        return self.xy[frame, index]

    def leg(self, frame: int | slice) -> tuple[np.ndarray, ...]:
        """hip, knee, ankle, heel, toe of this stride's foot at `frame`."""
        return tuple(self.xy[frame, i] for i in LEG[self.foot])

    def at_contact(self) -> np.ndarray:
        """(33, 2) landmarks at the sub-frame contact instant, linear between the two frames
        around it (the IC frame is the first at or after it: up to a frame late, which at
        30 fps moves the heel ~5 % of leg length relative to the hip)."""
        position = self.ic if self.ic_at is None else min(self.ic_at, float(self.ic))
        before = int(np.floor(position))
        weight = position - before
        if weight <= 1e-9 or before < 0:
            return self.xy[self.ic]
        mixed = (1.0 - weight) * self.xy[before] + weight * self.xy[before + 1]
        return np.where(np.isfinite(mixed), mixed, self.xy[self.ic])

    def leg_at_contact(self) -> tuple[np.ndarray, ...]:
        """hip, knee, ankle, heel, toe of this stride's foot at the contact instant."""
        points = self.at_contact()
        return tuple(points[i] for i in LEG[self.foot])

    def hip_mid_at_contact(self) -> np.ndarray:
        points = self.at_contact()
        return 0.5 * (points[LEFT_HIP] + points[RIGHT_HIP])

    @property
    def stance(self) -> slice:
        return slice(self.ic, self.to)

    def hip_mid(self, frames: int | slice) -> np.ndarray:
        return 0.5 * (self.xy[frames, LEFT_HIP] + self.xy[frames, RIGHT_HIP])

    def shoulder_mid(self, frames: int | slice) -> np.ndarray:
        return 0.5 * (self.xy[frames, LEFT_SHOULDER] + self.xy[frames, RIGHT_SHOULDER])


@dataclass(frozen=True)
class FrontalStrideContext(StrideContext):
    """A rear or front view's stride: the frontal geometry is always there, and every
    frontal stance has a midstance (the pelvis's low point that found it)."""

    geometry: FrontalGeometry = field(kw_only=True)

    @classmethod
    def of(cls, stride: StrideContext, geometry: FrontalGeometry) -> FrontalStrideContext:
        return cls(**{f.name: getattr(stride, f.name) for f in fields(stride)},
                   geometry=geometry)

    @property
    def mid(self) -> int:
        """The midstance frame."""
        return self.midstance if self.midstance is not None else (self.ic + self.to) // 2
