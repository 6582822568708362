"""The result contract: one pydantic model written by the CLI, collected by the
batch, served by the web app and rendered by the reports. Extend it; never rename fields."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


def rounded(value: float | None, digits: int = 3) -> float | None:
    """A finite value rounded for the results, None for missing or non-finite values."""
    return None if value is None or not math.isfinite(value) else round(float(value), digits)

SCHEMA_VERSION = "1.0"

SideName = Literal["left", "right"]
Severity = Literal["ok", "watch", "flag"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class VideoMeta(_Model):
    path: str
    fps: float
    width: int
    height: int
    duration_s: float
    rotation_deg: int
    n_frames: int
    variable_frame_rate: bool = False


class Event(_Model):
    foot: SideName
    type: Literal["initial_contact", "toe_off"]
    frame: int
    time_s: float


class Stride(_Model):
    foot: SideName
    ic_frame: int
    ic_time_s: float
    to_frame: int
    midstance_frame: int | None = None
    metrics: dict[str, float | None]


class Stat(_Model):
    median: float | None
    iqr: float | None
    n: int


class MetricSummary(_Model):
    left: Stat
    right: Stat
    both: Stat


class Drift(_Model):
    early: float | None
    late: float | None
    change: float | None
    ci95: tuple[float, float] | None
    slope_per_min: float | None
    flagged: bool
    n_early: int = 0
    n_late: int = 0


class Finding(_Model):
    metric: str
    side: Literal["left", "right", "both"]
    value: float
    unit: str
    severity: Severity
    guidance: str
    kind: Literal["level", "drift"] = "level"
    n_strides: int = 0
    confidence: float | None = None  # 0–1: strides used, landmark visibility, view certainty
    # ± on the median from the stride-to-stride spread (1.96 standard errors), and whether a
    # guidance boundary lies within it: then ok and watch cannot be told apart on this clip.
    precision: float | None = None
    borderline: bool = False
    rule: str | None = None
    explanation: str | None = None
    cue: str | None = None
    causes: list[str] = Field(default_factory=list)
    drills: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    # In a session (several clips of one run): the clip the value comes from, and for a
    # change between two clips the earlier one it is compared with (clip ids, "1", "2", ...)
    clip: str | None = None
    compared_with: str | None = None


class Asymmetry(_Model):
    left: float
    right: float
    difference: float  # left − right
    notable: bool  # beyond the smallest detectable difference, with >= 7 strides per side


class QualityNoteModel(_Model):
    code: str
    level: Literal["info", "warn", "refuse"]
    message: str  # in English; `texts.note_text(key or code, params, lang)` in any language
    key: str | None = None  # the sentence's template in data/notes.json, when not the code
    params: dict[str, float | int | str] = Field(default_factory=dict)

    def text(self, lang: Literal["en", "ja"] = "en") -> str:
        """The note in a language (older results without parameters: the stored message)."""
        from formcheck.texts import note_text

        if self.key is None and not self.params and lang == "en":
            return self.message
        try:
            return note_text(self.key or self.code, self.params, lang)
        except (KeyError, IndexError, ValueError):
            return self.message


class MetricInfo(_Model):
    """What a reader of the results needs to know about a metric, so renderers, `compare` and
    batch work from the `Analysis` alone (also for metrics a later version no longer has)."""

    unit: str
    sign: str
    guidance: str | None = None
    validation_only: bool = False
    ok_min: float | None = None  # the guidance range (None = open-ended)
    ok_max: float | None = None
    watch_max: float | None = None
    source: str | None = None  # where the guidance range comes from
    sdd: float | None = None  # smallest detectable difference (drift and compare)


class Scale(_Model):
    leg_length_px: float
    trunk_length_px: float
    roll_deg: float
    com_reference: str = "hip_midpoint"
    height_cm: float | None = None
    leg_length_cm: float | None = None  # from the height; with leg_length_px: px → cm

    @property
    def metres_per_px(self) -> float | None:
        """Image scale at the runner (None without the runner's height)."""
        if self.leg_length_cm is None or self.leg_length_px <= 0:
            return None
        return self.leg_length_cm / 100.0 / self.leg_length_px


class Processing(_Model):
    model: str
    pose_fps: float | None = None
    swapped_frames: int = 0
    filled_frames: int = 0
    dropped_identity_frames: int = 0
    lowpass_hz: float = 0.0
    provenance: list[str] = Field(default_factory=list)


class KeyFrame(_Model):
    """A frame shown in the report: a foot strike (side) or midstance (rear/front)."""

    frame: int
    time_s: float
    foot: SideName
    label: str  # the metric drawn on it
    value: float | None
    landmarks: list[tuple[float, float]]  # 33 image points, upright pixels


class CycleSide(_Model):
    """One side's curve of one angle over the gait cycle (its foot strike = 0 %, its next
    foot strike = 100 %): 101 points, mean and SD across that side's strides."""

    mean: list[float | None]
    sd: list[float | None]
    n_cycles: int
    stance_pct: float | None  # toe-off, % of the cycle (mean over the same strides)
    stance_pct_sd: float | None
    low_confidence: bool = False  # fewer strides than [findings] min_strides


class CycleWithheld(_Model):
    """Why a side has no curve: every stride of the side was withheld, or too few usable."""

    reason: Literal["no_usable_strides", "too_few_cycles", "far_leg"]
    n_cycles: int = 0
    min_cycles: int = 3


class CycleAngle(_Model):
    """One angle over the gait cycle, left and right (`docs/design.md`, gait-cycle curves)."""

    unit: str
    sign: str
    left: CycleSide | None = None
    right: CycleSide | None = None
    withheld: dict[SideName, CycleWithheld] = Field(default_factory=dict)

    def side(self, foot: SideName) -> CycleSide | None:
        return self.left if foot == "left" else self.right


class Analysis(_Model):
    schema_version: str = SCHEMA_VERSION
    tool_version: str
    video: VideoMeta
    view: Literal["side_left", "side_right", "rear", "front"]
    view_confidence: float
    cadence_spm: float | None
    events: list[Event]
    strides: list[Stride]
    summary: dict[str, MetricSummary]
    drift: dict[str, Drift] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)
    asymmetry: dict[str, Asymmetry] = Field(default_factory=dict)
    quality: list[QualityNoteModel] = Field(default_factory=list)
    metrics: dict[str, MetricInfo] = Field(default_factory=dict)
    scale: Scale
    processing: Processing
    key_frames: list[KeyFrame] = Field(default_factory=list)
    lang: Literal["en", "ja"] = "en"
    disclaimer: str = ""
    safety: list[str] = Field(default_factory=list)
    gait_cycle: dict[str, CycleAngle] = Field(default_factory=dict)
