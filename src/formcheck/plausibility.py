"""Plausibility gates: before any finding, the frames and the events must make physical sense.

What fails is withheld with its reason (per stride, per side or per clip), so that "nothing
stands out" is only said when the measurements behind it are sound.

- Camera: a moving camera's motion must have been measured from the background (see
  `events.steadied`) in nearly every frame, or the feet's heights mean nothing.
- Decoding: the decoded duration must match the container's (a truncated upload), and gaps in
  the frame times (frames the phone dropped) are counted.
- Steps: regular for the pace, no unexplained gaps (missed strikes), feet alternating.
- Strides: contact time, flight time and overstride within what running bodies can do.
- Sides (side view): the far leg is seen through the near one; its strides must survive the
  gates as well as the near leg's, or its numbers are withheld.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from formcheck.events import GaitEvents, camera_lift_px
from formcheck.landmarks import Side
from formcheck.metrics.compute import StrideResult
from formcheck.quality import Level, QualityReport
from formcheck.track import PoseTrack

# Physically possible ranges for running (wide on purpose: outside them the events are wrong,
# not the runner). Contact 100–450 ms spans sprinting to slow jogging (Nummela 2007; Van
# Oeveren 2024); flight ≤ 300 ms; a heel more than 60 % of leg length ahead of the hip, or
# 15 % behind it, at contact is not a running stride.
CONTACT_MS = (100.0, 450.0)
FLIGHT_MS = (0.0, 300.0)
OVERSTRIDE_PCT = (-15.0, 60.0)
# A gap between strikes longer than this many median steps hides at least one missed strike.
GAP_STEPS = 1.6
MAX_MISSED_SHARE = 0.25  # more missed steps than this: the events cannot be trusted
MAX_STEP_CV = 0.25  # steady running varies a few % step to step; more is detection noise
MIN_SIDE_KEPT = 0.6  # a side keeps its numbers when this share of its strides is plausible
TRUNCATED_SHARE = 0.9  # decoded duration below this share of the container's: truncated
DROPPED_GAP = 1.5  # a frame interval this many times the median means frames are missing
MAX_UNMEASURED_CAMERA = 0.2  # share of frames whose camera motion may be unknown


# Notes that mean some measurements were withheld or are incomplete: with any of them, an
# empty list of findings is not "nothing stands out".
PARTIAL_CODES = ("truncated", "dropped_frames", "missed_strikes", "implausible_strides",
                 "side_withheld_left", "side_withheld_right")


def nothing_text_key(quality_codes: list[str]) -> str:
    """The ui text for "no findings": plain only when every measurement behind it is sound."""
    return "none_partial" if set(quality_codes) & set(PARTIAL_CODES) else "none"


@dataclass(frozen=True)
class StepStats:
    median_step_s: float
    step_cv: float
    missed_share: float
    longest_gap_s: float


def check_decoding(track: PoseTrack, report: QualityReport) -> None:
    """Truncated files and dropped frames: what was decoded against what the file claims."""
    info = track.video
    if track.n_frames < 2:
        return
    dt = np.diff(track.time_s)
    frame_s = float(np.median(dt))
    decoded_s = float(track.time_s[-1] - track.time_s[0]) + frame_s
    if info.duration_s and decoded_s < TRUNCATED_SHARE * info.duration_s:
        report.add("truncated", Level.WARN, claimed_s=info.duration_s, decoded_s=decoded_s)
    gaps = dt > DROPPED_GAP * frame_s
    if gaps.any():
        missing = float(np.sum(np.round(dt[gaps] / frame_s) - 1))
        share = missing / (missing + track.n_frames)
        if share > 0.02 or dt.max() > 0.1:
            report.add("dropped_frames", Level.WARN, pct=100 * share, gap_ms=1000 * dt.max())


def check_camera_motion(track: PoseTrack, contact_px: float, report: QualityReport) -> None:
    """Say when the camera moved, and refuse when its motion could not be followed.

    The camera counts as moving when the ground at the feet travels up or down the image by
    more than the height that separates a foot on the ground from one in the air
    (`contact_px`); then its motion must be known in nearly every frame.
    """
    if track.ground_shift is None or track.n_frames < 2:
        return
    lift = camera_lift_px(track)
    travel = float(np.percentile(lift, 95) - np.percentile(lift, 5))
    if travel <= contact_px:
        return
    detected = track.detected
    unmeasured = float(np.mean(np.isnan(track.ground_shift[detected, 1]))) \
        if detected.any() else 1.0
    if unmeasured > MAX_UNMEASURED_CAMERA:
        report.add("camera_motion_unrecovered", Level.REFUSE, px=travel,
                   pct=100 * unmeasured)
    else:
        report.add("camera_moving", Level.INFO, px=travel)


def step_stats(events: GaitEvents) -> StepStats | None:
    """Regularity of the strikes of both feet in time order."""
    times = np.array([s.ic_time_s for s in events.stances])
    if len(times) < 4:
        return None
    steps = np.diff(times)
    median = float(np.median(steps))
    gaps = steps > GAP_STEPS * median
    missed = float(np.sum(np.round(steps[gaps] / median) - 1))
    regular = steps[~gaps]
    cv = float(np.std(regular) / np.mean(regular)) if len(regular) > 2 else float("nan")
    return StepStats(median, cv, missed / (missed + len(times)), float(steps.max()))


def check_steps(events: GaitEvents, report: QualityReport) -> None:
    """Refuse when the strikes are too irregular or too gappy to be real steps."""
    stats = step_stats(events)
    if stats is None:
        return
    if stats.missed_share > MAX_MISSED_SHARE:
        report.add("missed_strikes", Level.REFUSE, "missed_strikes_refuse",
                   pct=100 * stats.missed_share, gap_s=stats.longest_gap_s)
    elif stats.missed_share > 0.05:
        report.add("missed_strikes", Level.WARN, "missed_strikes_warn",
                   pct=100 * stats.missed_share, gap_s=stats.longest_gap_s)
    if np.isfinite(stats.step_cv) and stats.step_cv > MAX_STEP_CV:
        report.add("irregular_steps", Level.REFUSE, pct=100 * stats.step_cv)


def stride_is_plausible(stride: StrideResult) -> bool:
    """Contact, flight and overstride within what a running stride can be."""
    m = stride.metrics
    for key, (lo, hi) in (("contact_time_ms", CONTACT_MS), ("flight_time_ms", FLIGHT_MS),
                          ("overstride_pct_leg", OVERSTRIDE_PCT)):
        value = m.get(key)
        if value is not None and not lo <= value <= hi:
            return False
    return True


def gate_strides(strides: list[StrideResult], near: Side | None,
                 report: QualityReport) -> list[StrideResult]:
    """Withhold the metrics of implausible strides, and of a side that keeps too few.

    `near` is the leg facing the camera in a side view (None for rear/front views).
    """
    plausible = [stride_is_plausible(s) for s in strides]
    out = [s if ok else replace(s, metrics={}) for s, ok in zip(strides, plausible, strict=True)]
    dropped = len(strides) - sum(plausible)
    if dropped:
        report.add("implausible_strides", Level.WARN, dropped=dropped, total=len(strides))
    for foot in Side:
        own = [ok for s, ok in zip(strides, plausible, strict=True) if s.foot is foot]
        kept = float(np.mean(own)) if own else 0.0
        far = near is not None and foot is not near
        if own and kept < MIN_SIDE_KEPT:
            out = [replace(s, metrics={}) if s.foot is foot else s for s in out]
            report.add(f"side_withheld_{foot.value}", Level.WARN,
                       "side_withheld_far" if far else "side_withheld", side=foot.value,
                       pct=100 * kept)
        elif far:
            report.add("far_leg", Level.INFO, side=foot.value, pct=100 * kept)
    return out
