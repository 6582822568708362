"""Capture-quality checks: say what is wrong with a clip, and refuse when results would be
meaningless. Every check runs; all problems are reported at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from formcheck.config import FindingsConfig, QualityConfig
from formcheck.errors import CaptureQualityError, NoRunnerError
from formcheck.events import GaitEvents
from formcheck.landmarks import LEFT_HEEL, LEFT_TOE, NOSE, RIGHT_HEEL, RIGHT_TOE, Side
from formcheck.track import PoseTrack, VideoInfo
from formcheck.view import View, ViewDecision

FEET = (LEFT_HEEL, RIGHT_HEEL, LEFT_TOE, RIGHT_TOE)


class Level(StrEnum):
    INFO = "info"
    WARN = "warn"
    REFUSE = "refuse"


@dataclass(frozen=True)
class QualityNote:
    code: str
    level: Level
    message: str


@dataclass
class QualityReport:
    notes: list[QualityNote] = field(default_factory=list)

    def add(self, code: str, level: Level, message: str) -> None:
        self.notes.append(QualityNote(code, level, message))

    @property
    def refusals(self) -> list[QualityNote]:
        return [n for n in self.notes if n.level is Level.REFUSE]

    def raise_if_refused(self, path: str) -> None:
        refusals = self.refusals
        if not refusals:
            return
        others = [n.message for n in self.notes if n.level is not Level.REFUSE]
        problems = [n.message for n in refusals] + others
        error = NoRunnerError if any(n.code == "no_runner" for n in refusals) \
            else CaptureQualityError
        raise error(f"{path}: this clip cannot give reliable running-form numbers.",
                    refusal_hint(refusals), problems)


def refusal_hint(refusals: list[QualityNote]) -> str:
    codes = {n.code for n in refusals}
    tips = []
    if "no_runner" in codes:
        tips.append("make sure the runner's whole body, feet included, is in view")
    if "hips_small" in codes:
        tips.append("film closer from behind or in front so the hips are wide in the picture")
    if "runner_small" in codes:
        tips.append("film closer so the runner fills at least half the frame height")
    if "feet_out" in codes:
        tips.append("keep both feet in frame (nothing in front of the feet)")
    if codes & {"few_strides", "too_short"}:
        tips.append("film at least 10 s of steady running")
    if "walking" in codes:
        tips.append("formcheck analyses running; film a run, not a walk")
    if "wrong_view" in codes:
        tips.append("choose the view the camera really had, or leave the view on auto")
    if codes & {"irregular_steps", "missed_strikes"}:
        tips.append("film side-on with the camera held still (a tripod, a fence post) or "
                    "panning smoothly with the runner, feet always in view; a treadmill works best")
    if "camera_motion_unrecovered" in codes:
        tips.append("hold the phone still (or rest it on something), or pan smoothly, with "
                    "textured ground (grass, asphalt, a track) around the runner's feet")
    if "low_fps" in codes:
        tips.append("record at 60 fps (or at least 30)")
    return "; ".join(tips).capitalize() + "." if tips else ""


def check_video(info: VideoInfo, config: QualityConfig, report: QualityReport) -> None:
    if info.fps and info.fps < config.min_fps:
        report.add("low_fps", Level.REFUSE,
                   f"frame rate {info.fps:.0f} fps is too low to time foot contacts")
    elif info.fps and info.fps < config.warn_fps:
        report.add("low_fps", Level.WARN,
                   f"frame rate {info.fps:.0f} fps: contact times and angles at foot strike "
                   f"are less precise below {config.warn_fps:.0f} fps")
    if info.duration_s and info.duration_s < config.min_duration_s:
        report.add("too_short", Level.REFUSE, f"the clip lasts only {info.duration_s:.1f} s")


def runner_height_px(track: PoseTrack) -> float:
    """Median nose-to-lowest-foot distance over frames with a pose (≈ 0.9 × body height)."""
    ok = track.detected
    feet_y = np.nanmax(track.image_xy[ok][:, FEET, 1], axis=1)
    height = feet_y - track.image_xy[ok, NOSE, 1]
    return float(np.nanmedian(height)) if np.isfinite(height).any() else 0.0


def feet_out_fraction(track: PoseTrack, hidden_visibility: float | None = None) -> float:
    """Share of frames with a pose in which a heel or toe is outside the picture or hidden."""
    if hidden_visibility is None:
        hidden_visibility = QualityConfig().hidden_visibility
    ok = track.detected
    if not ok.any():
        return 1.0
    xy = track.image_xy[ok][:, FEET]
    w, h = track.video.width, track.video.height
    outside = ((xy[..., 0] < 0) | (xy[..., 0] > w) | (xy[..., 1] < 0) | (xy[..., 1] > h)).any(1)
    hidden = (track.visibility[ok][:, FEET] < hidden_visibility).all(axis=1)
    return float((outside | hidden).mean())


def check_track(track: PoseTrack, config: QualityConfig, report: QualityReport) -> None:
    detected = float(track.detected.mean()) if track.n_frames else 0.0
    if detected < config.min_detected_fraction:
        report.add("no_runner", Level.REFUSE,
                   f"a runner was found in only {100 * detected:.0f}% of the frames")
        if detected == 0:
            return
    size = runner_height_px(track)
    if size < config.min_runner_px:
        report.add("runner_small", Level.REFUSE,
                   f"the runner is only about {size:.0f} px tall "
                   f"(at least {config.min_runner_px:.0f} px needed)")
    elif size < config.warn_runner_px:
        report.add("runner_small", Level.WARN,
                   f"the runner is about {size:.0f} px tall; angles are more precise above "
                   f"{config.warn_runner_px:.0f} px")
    out = feet_out_fraction(track, config.hidden_visibility)
    if out > config.max_feet_out_fraction:
        report.add("feet_out", Level.REFUSE,
                   f"the feet are out of frame or hidden in {100 * out:.0f}% of the frames")


def check_view(decision: ViewDecision, report: QualityReport) -> None:
    """Refuse a forced view that the landmarks clearly contradict (side vs rear/front):
    measuring one plane's angles in another gives numbers that mean nothing."""
    if decision.contradicts_landmarks and decision.detected is not None:
        report.add("wrong_view", Level.REFUSE,
                   f"the view was set to {decision.view.value}, but the runner is seen "
                   f"{_view_words(decision.detected)} ({decision.detected.value}, "
                   f"{100 * decision.confidence:.0f}% sure)")


def _view_words(view: View | None) -> str:
    if view is None:
        return "from another side"
    return "from the side" if view.is_side else \
        ("from behind" if view is View.REAR else "from the front")


def check_frontal(track: PoseTrack, config: QualityConfig, report: QualityReport) -> None:
    """Rear/front metrics measure small tilts across the hips: they need pixels there."""
    d = track.image_xy[:, 23] - track.image_xy[:, 24]
    hips = float(np.nanmedian(np.hypot(d[:, 0], d[:, 1]))) if track.detected.any() else 0.0
    if hips < config.min_hip_width_px:
        report.add("hips_small", Level.REFUSE,
                   f"the hips are only {hips:.0f} px wide; frontal angles need at least "
                   f"{config.min_hip_width_px:.0f} px")
    elif hips < config.warn_hip_width_px:
        report.add("hips_small", Level.WARN,
                   f"the hips are {hips:.0f} px wide: one pixel is "
                   f"{np.degrees(np.arctan(1 / hips)):.1f}° of pelvic tilt")


def duty_factor(events: GaitEvents) -> float:
    """Median contact time over stride time (≥ 0.5 means no flight phase: walking)."""
    ratios = []
    for foot in Side:
        st = events.for_foot(foot)
        for a, b in zip(st, st[1:], strict=False):
            stride = b.ic_time_s - a.ic_time_s
            if stride > 0:
                ratios.append((a.to_time_s - a.ic_time_s) / stride)
    return float(np.median(ratios)) if ratios else float("nan")


def double_support_fraction(events: GaitEvents) -> float:
    """Share of stance frames in which the other foot is also on the ground.

    Running has none (a flight phase separates the stances); walking has two double-support
    phases per stride. A track whose legs collapse onto one also shows it.
    """
    on: dict[Side, set[int]] = {foot: set() for foot in Side}
    for s in events.stances:
        on[s.foot].update(range(s.ic_frame, s.to_frame))
    total = len(on[Side.LEFT]) + len(on[Side.RIGHT])
    return 2 * len(on[Side.LEFT] & on[Side.RIGHT]) / total if total else 0.0


def check_gait(events: GaitEvents, config: QualityConfig, report: QualityReport,
               min_strides: int | None = None) -> None:
    """Enough strides, running not walking. `min_strides` is `FindingsConfig.min_strides`:
    fewer strides on a side than a steady median needs is warned about."""
    steady = FindingsConfig().min_strides if min_strides is None else min_strides
    per_side = {foot: len(events.for_foot(foot)) for foot in Side}
    fewest = min(per_side.values())
    if fewest < config.min_strides_per_side:
        report.add("few_strides", Level.REFUSE,
                   f"only {per_side[Side.LEFT]} left and {per_side[Side.RIGHT]} right foot "
                   "strikes were found")
        return
    if fewest < steady:
        report.add("few_strides", Level.WARN,
                   f"{fewest} strides on one side: medians are steadier with "
                   f"{steady} or more (Dingenen 2018)")
    duty = duty_factor(events)
    cadence = events.cadence_spm
    double = double_support_fraction(events)
    if np.isfinite(duty) and duty > config.max_running_duty_factor:
        report.add("walking", Level.REFUSE,
                   f"this looks like walking, not running: each foot is on the ground "
                   f"{100 * duty:.0f}% of the time (no flight phase)")
    elif double > config.max_double_support:
        report.add("walking", Level.REFUSE,
                   f"this looks like walking, not running: both feet are on the ground "
                   f"together in {100 * double:.0f}% of contact time (or the two legs "
                   "could not be told apart)")
    elif np.isfinite(cadence) and cadence < config.min_running_cadence_spm:
        report.add("slow_cadence", Level.WARN,
                   f"the cadence ({cadence:.0f} steps/min) is low for running; if this clip "
                   "is slow motion, all times and the cadence are scaled by it")
    elif not np.isfinite(cadence):
        report.add("no_cadence", Level.WARN, "no steady step rhythm was found")
    if events.alternation_ok < config.min_alternation:
        report.add("alternation", Level.WARN,
                   f"left and right foot strikes alternate in only "
                   f"{100 * events.alternation_ok:.0f}% of steps; some contacts were missed")
