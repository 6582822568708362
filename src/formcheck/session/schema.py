"""The session's result contract (session.json): what was combined from which clip.

Every value keeps the id of the clip it comes from; the per-clip analyses stay in their own
folders (`SessionClip.results`). Extend it; never rename fields."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from formcheck.schema import (
    SCHEMA_VERSION,
    CycleAngle,
    Drift,
    Finding,
    MetricInfo,
    Stat,
    _Model,
)

ViewName = Literal["side_left", "side_right", "rear", "front"]


class SessionClip(_Model):
    id: str  # "1", "2", ...: the clip's place in the session (the order the clips were filmed)
    name: str  # the file name
    path: str
    results: str | None = None  # the clip's own results folder, relative to the session's
    view: ViewName | None = None
    view_confidence: float | None = None
    duration_s: float | None = None
    cadence_spm: float | None = None
    n_strides: int = 0
    error: str | None = None  # why the clip could not be analysed (in the session's language)


class SourcedStat(_Model):
    """One side's median of a metric, and the clip that measured it."""

    clip: str
    view: ViewName
    stat: Stat
    near_leg: bool | None = None  # side views: the leg faced the camera (None: rear/front)


class SessionMetric(_Model):
    left: SourcedStat | None = None
    right: SourcedStat | None = None


class SessionCycle(_Model):
    """One gait-cycle angle, each side's curve from the clip that gives it best."""

    curves: CycleAngle  # left and right as in that clip's analysis (no `withheld`)
    left_clip: str | None = None
    right_clip: str | None = None


class SessionChange(_Model):
    """Early against late: the first and the last clip filmed from one view."""

    view: ViewName
    early_clip: str
    late_clip: str
    metrics: dict[str, Drift] = Field(default_factory=dict)


class SessionGap(_Model):
    """Something of the documents' deviations the session could not measure, and what would
    add it."""

    kind: Literal["metric", "change"]
    metric: str | None = None
    side: Literal["left", "right", "both"] = "both"
    add_views: list[ViewName] = Field(default_factory=list)  # a clip from one of these
    tried: list[str] = Field(default_factory=list)  # clips of such a view that did not measure it


class SessionAnalysis(_Model):
    schema_version: str = SCHEMA_VERSION
    kind: Literal["session"] = "session"
    tool_version: str
    lang: Literal["en", "ja"] = "en"
    clips: list[SessionClip]
    metrics: dict[str, SessionMetric] = Field(default_factory=dict)
    metric_info: dict[str, MetricInfo] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)
    changes: list[SessionChange] = Field(default_factory=list)
    gait_cycle: dict[str, SessionCycle] = Field(default_factory=dict)
    gaps: list[SessionGap] = Field(default_factory=list)
    disclaimer: str = ""
    safety: list[str] = Field(default_factory=list)
