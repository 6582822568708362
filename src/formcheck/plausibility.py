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

from formcheck.config import PlausibilityConfig
from formcheck.events import GaitEvents, camera_lift_px
from formcheck.landmarks import Side
from formcheck.metrics.compute import StrideResult
from formcheck.quality import Level, QualityReport
from formcheck.track import PoseTrack

# The thresholds, with their reasons, are in `config.PlausibilityConfig` ([plausibility]).

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


def check_decoding(track: PoseTrack, report: QualityReport,
                   config: PlausibilityConfig | None = None) -> None:
    """Truncated files and dropped frames: what was decoded against what the file claims."""
    config = config or PlausibilityConfig()
    info = track.video
    if track.n_frames < 2:
        return
    dt = np.diff(track.time_s)
    frame_s = float(np.median(dt))
    decoded_s = float(track.time_s[-1] - track.time_s[0]) + frame_s
    if info.duration_s and decoded_s < config.truncated_share * info.duration_s:
        report.add("truncated", Level.WARN, claimed_s=info.duration_s, decoded_s=decoded_s)
    gaps = dt > config.dropped_gap * frame_s
    if gaps.any():
        missing = float(np.sum(np.round(dt[gaps] / frame_s) - 1))
        share = missing / (missing + track.n_frames)
        if share > config.warn_dropped_share or dt.max() > config.warn_dropped_gap_s:
            report.add("dropped_frames", Level.WARN, pct=100 * share, gap_ms=1000 * dt.max())


def check_camera_motion(track: PoseTrack, contact_px: float, report: QualityReport,
                        config: PlausibilityConfig | None = None) -> None:
    """Say when the camera moved, and refuse when its motion could not be followed.

    The camera counts as moving when the ground at the feet travels up or down the image by
    more than the height that separates a foot on the ground from one in the air
    (`contact_px`); then its motion must be known in nearly every frame.
    """
    config = config or PlausibilityConfig()
    if track.ground_shift is None or track.n_frames < 2:
        return
    lift = camera_lift_px(track)
    travel = float(np.percentile(lift, 95) - np.percentile(lift, 5))
    if travel <= contact_px:
        return
    detected = track.detected
    unmeasured = float(np.mean(np.isnan(track.ground_shift[detected, 1]))) \
        if detected.any() else 1.0
    if unmeasured > config.max_unmeasured_camera:
        report.add("camera_motion_unrecovered", Level.REFUSE, px=travel,
                   pct=100 * unmeasured)
    else:
        report.add("camera_moving", Level.INFO, px=travel)


def step_stats(events: GaitEvents, config: PlausibilityConfig | None = None,
               ) -> StepStats | None:
    """Regularity of the strikes of both feet in time order."""
    config = config or PlausibilityConfig()
    times = np.array([s.ic_time_s for s in events.stances])
    if len(times) < 4:
        return None
    steps = np.diff(times)
    median = float(np.median(steps))
    gaps = steps > config.gap_steps * median
    missed = float(np.sum(np.round(steps[gaps] / median) - 1))
    regular = steps[~gaps]
    cv = float(np.std(regular) / np.mean(regular)) if len(regular) > 2 else float("nan")
    return StepStats(median, cv, missed / (missed + len(times)), float(steps.max()))


def check_steps(events: GaitEvents, report: QualityReport,
                config: PlausibilityConfig | None = None) -> None:
    """Refuse when the strikes are too irregular or too gappy to be real steps."""
    config = config or PlausibilityConfig()
    stats = step_stats(events, config)
    if stats is None:
        return
    if stats.missed_share > config.max_missed_share:
        report.add("missed_strikes", Level.REFUSE, "missed_strikes_refuse",
                   pct=100 * stats.missed_share, gap_s=stats.longest_gap_s)
    elif stats.missed_share > config.warn_missed_share:
        report.add("missed_strikes", Level.WARN, "missed_strikes_warn",
                   pct=100 * stats.missed_share, gap_s=stats.longest_gap_s)
    if np.isfinite(stats.step_cv) and stats.step_cv > config.max_step_cv:
        report.add("irregular_steps", Level.REFUSE, pct=100 * stats.step_cv)


def stride_is_plausible(stride: StrideResult, config: PlausibilityConfig | None = None) -> bool:
    """Contact, flight and overstride within what a running stride can be."""
    config = config or PlausibilityConfig()
    m = stride.metrics
    for key, (lo, hi) in (("contact_time_ms", config.contact_ms),
                          ("flight_time_ms", config.flight_ms),
                          ("overstride_pct_leg", config.overstride_pct)):
        value = m.get(key)
        if value is not None and not lo <= value <= hi:
            return False
    return True


def gate_strides(strides: list[StrideResult], near: Side | None,
                 report: QualityReport, config: PlausibilityConfig | None = None,
                 ) -> list[StrideResult]:
    """Withhold the metrics of implausible strides, and of a side that keeps too few.

    `near` is the leg facing the camera in a side view (None for rear/front views).
    """
    config = config or PlausibilityConfig()
    plausible = [stride_is_plausible(s, config) for s in strides]
    out = [s if ok else replace(s, metrics={}) for s, ok in zip(strides, plausible, strict=True)]
    dropped = len(strides) - sum(plausible)
    if dropped:
        report.add("implausible_strides", Level.WARN, dropped=dropped, total=len(strides))
    for foot in Side:
        own = [ok for s, ok in zip(strides, plausible, strict=True) if s.foot is foot]
        kept = float(np.mean(own)) if own else 0.0
        far = near is not None and foot is not near
        if own and kept < config.min_side_kept:
            out = [replace(s, metrics={}) if s.foot is foot else s for s in out]
            report.add(f"side_withheld_{foot.value}", Level.WARN,
                       "side_withheld_far" if far else "side_withheld", side=foot.value,
                       pct=100 * kept)
        elif far:
            report.add("far_leg", Level.INFO, side=foot.value, pct=100 * kept)
    return out
