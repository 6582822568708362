"""One typed configuration, one section per stage; defaults live here with their reasons.

Each stage receives only its own section. `formcheck.toml.example` at the repo root shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PoseConfig:
    model: str = "full"
    # Frames are downscaled so their long side is at most this before MediaPipe sees them:
    # the network runs at 256 px anyway; smaller input saves conversion time at no accuracy cost.
    max_side_px: int = 1280
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    # The back-contour feature for the lumbar-extension index needs the segmentation mask.
    segmentation: bool = True


@dataclass(frozen=True)
class CleaningConfig:
    # Gaps up to this long are interpolated; longer ones stay missing (no invented strides).
    max_gap_s: float = 0.12
    # A jump of the hip midpoint larger than this many torso lengths in one frame means the
    # tracker jumped to another person (or lost the runner): those frames are dropped.
    identity_jump_torso: float = 0.9
    # Zero-lag Butterworth low-pass. Running kinematics have little power above ~8-10 Hz;
    # Pose2Sim uses 6 Hz for walking. We keep 9 Hz so foot contacts stay sharp, capped at 0.4·fps.
    lowpass_hz: float = 9.0
    lowpass_order: int = 2
    # Cost of one left/right relabelling in the swap-correction chain, in leg lengths.
    swap_switch_cost_leg: float = 0.10


@dataclass(frozen=True)
class EventConfig:
    # Cadence search range in steps per minute: running is 120–230, but walking
    # and slow-motion clips must still get a number so the quality check can name them.
    min_cadence_spm: float = 60.0
    max_cadence_spm: float = 230.0
    # A foot counts as on the ground when its lowest point is within this fraction of leg
    # length of the local ground line.
    contact_height_leg: float = 0.035
    # Local ground line = this percentile of the foot's lowest point over a sliding window.
    ground_percentile: float = 95.0
    # Contact begins when the foot's forward speed relative to the ground falls below this
    # fraction of the running speed (see events.py; 0.4–0.6 give the same timing to ±1 frame).
    contact_speed_of_running: float = 0.5


@dataclass(frozen=True)
class QualityConfig:
    warn_fps: float = 50.0
    min_fps: float = 20.0
    min_runner_px: float = 150.0  # runner height (nose to heel) below this: refuse
    warn_runner_px: float = 300.0
    min_detected_fraction: float = 0.6
    max_feet_out_fraction: float = 0.25
    min_strides_per_side: int = 3
    warn_strides_per_side: int = 7  # Dingenen 2018: medians of >= 7 strides
    max_running_duty_factor: float = 0.5  # above: no flight phase, i.e. walking
    min_running_cadence_spm: float = 130.0
    max_double_support: float = 0.25
    min_hip_width_px: float = 30.0  # 1 px = 1.9° of hip-line tilt at 30 px
    warn_hip_width_px: float = 60.0  # running has no double support; walking ~30-40 %


@dataclass(frozen=True)
class MetricConfig:
    # Leg length as a fraction of body height (Winter's anthropometry; hip-joint height).
    leg_length_per_height: float = 0.530
    # Altman & Davis 2012 foot-strike-angle thresholds (degrees).
    rearfoot_min_deg: float = 8.0
    forefoot_max_deg: float = -1.6


@dataclass(frozen=True)
class Config:
    pose: PoseConfig = field(default_factory=PoseConfig)
    cleaning: CleaningConfig = field(default_factory=CleaningConfig)
    events: EventConfig = field(default_factory=EventConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    metrics: MetricConfig = field(default_factory=MetricConfig)
