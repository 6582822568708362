"""Capture-quality checks: say what is wrong with a clip, and refuse when results would be
meaningless. Every check runs; all problems are reported at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from formcheck.config import FindingsConfig, QualityConfig
from formcheck.errors import CaptureQualityError, NoRunnerError
from formcheck.events import GaitEvents
from formcheck.landmarks import (
    LEFT_HEEL,
    LEFT_HIP,
    LEFT_SHOULDER,
    LEFT_TOE,
    NOSE,
    RIGHT_HEEL,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    RIGHT_TOE,
    Side,
)
from formcheck.texts import Lang, hint_text, note_text
from formcheck.track import PoseTrack, VideoInfo
from formcheck.view import View, ViewDecision

FEET = (LEFT_HEEL, RIGHT_HEEL, LEFT_TOE, RIGHT_TOE)


class Level(StrEnum):
    INFO = "info"
    WARN = "warn"
    REFUSE = "refuse"


@dataclass(frozen=True)
class QualityNote:
    """A note as a code (what kind of problem) and the parameters of its sentence.

    `key` names the sentence's template in `data/notes.json` (default: the code); the text
    is rendered in a language only where it is shown.
    """

    code: str
    level: Level
    params: dict[str, float | int | str] = field(default_factory=dict)
    key: str | None = None

    @property
    def template(self) -> str:
        return self.key or self.code

    def text(self, lang: Lang = "en") -> str:
        return note_text(self.template, self.params, lang)

    @property
    def message(self) -> str:
        """The sentence in English."""
        return self.text("en")


@dataclass
class QualityReport:
    notes: list[QualityNote] = field(default_factory=list)

    def add(self, code: str, level: Level, key: str | None = None,
            **params: float | int | str) -> None:
        """Record a note; `params` fill the template `key` (default: the code)."""
        self.notes.append(QualityNote(code, level, {k: _plain(v) for k, v in params.items()},
                                      key))

    @property
    def refusals(self) -> list[QualityNote]:
        return [n for n in self.notes if n.level is Level.REFUSE]

    def raise_if_refused(self, path: str) -> None:
        refusals = self.refusals
        if not refusals:
            return
        others = [n for n in self.notes if n.level is not Level.REFUSE]
        error = NoRunnerError if any(n.code == "no_runner" for n in refusals) \
            else CaptureQualityError
        raise error.from_notes(path, refusals + others, {n.code for n in refusals})


def _plain(value: float | int | str) -> float | int | str:
    """numpy scalars → Python numbers (the notes are written to JSON)."""
    if isinstance(value, str | int):
        return value
    return float(value)


def refusal_hint(refusals: list[QualityNote], lang: Lang = "en") -> str:
    return hint_text({n.code for n in refusals}, lang)


def check_video(info: VideoInfo, config: QualityConfig, report: QualityReport) -> None:
    if info.fps and info.fps < config.min_fps:
        report.add("low_fps", Level.REFUSE, "low_fps_refuse", fps=info.fps)
    elif info.fps and info.fps < config.warn_fps:
        report.add("low_fps", Level.WARN, "low_fps_warn", fps=info.fps,
                   warn_fps=config.warn_fps)
    if info.duration_s and info.duration_s < config.min_duration_s:
        report.add("too_short", Level.REFUSE, duration_s=info.duration_s)


def runner_height_px(track: PoseTrack) -> float:
    """Median nose-to-lowest-foot distance over frames with a pose (≈ 0.9 × body height)."""
    ok = track.detected
    feet_y = np.nanmax(track.image_xy[ok][:, FEET, 1], axis=1)
    height = feet_y - track.image_xy[ok, NOSE, 1]
    return float(np.nanmedian(height)) if np.isfinite(height).any() else 0.0


def body_length_px(track: PoseTrack) -> float:
    """Median nose-to-feet distance in any direction (the runner's size even when the picture
    is rotated)."""
    ok = track.detected
    if not ok.any():
        return 0.0
    feet = np.nanmean(track.image_xy[ok][:, FEET], axis=1)
    length = np.hypot(*(feet - track.image_xy[ok, NOSE]).T)
    return float(np.nanmedian(length)) if np.isfinite(length).any() else 0.0


def body_tilt_deg(track: PoseTrack) -> float:
    """Median angle of the hip→shoulder line from upright over frames with a pose (0 = upright,
    90 = lying on the side): a runner is upright, so a large angle means a rotated picture."""
    ok = track.detected
    if not ok.any():
        return 0.0
    d = (track.midpoint(LEFT_SHOULDER, RIGHT_SHOULDER) - track.midpoint(LEFT_HIP, RIGHT_HIP))[ok]
    angle = np.degrees(np.arctan2(np.abs(d[:, 0]), -d[:, 1]))
    return float(np.nanmedian(angle)) if np.isfinite(angle).any() else 0.0


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
        report.add("no_runner", Level.REFUSE, pct=100 * detected)
        if detected == 0:
            return
    tilt = body_tilt_deg(track)
    # only a body that is big enough to measure can be said to lie down (on a tiny runner
    # MediaPipe's points do not form a body, and their "tilt" means nothing)
    if tilt > config.max_body_tilt_deg and body_length_px(track) >= config.min_runner_px:
        report.add("runner_lying", Level.REFUSE, deg=tilt)
    size = runner_height_px(track)
    if size < 1.0:
        report.add("runner_small", Level.REFUSE, "runner_unmeasurable")
    elif size < config.min_runner_px:
        report.add("runner_small", Level.REFUSE, "runner_small_refuse", px=size,
                   min_px=config.min_runner_px)
    elif size < config.warn_runner_px:
        report.add("runner_small", Level.WARN, "runner_small_warn", px=size,
                   warn_px=config.warn_runner_px)
    out = feet_out_fraction(track, config.hidden_visibility)
    if out > config.max_feet_out_fraction:
        report.add("feet_out", Level.REFUSE, pct=100 * out)


def check_view(decision: ViewDecision, report: QualityReport) -> None:
    """Refuse a forced view that the landmarks clearly contradict (side vs rear/front):
    measuring one plane's angles in another gives numbers that mean nothing."""
    if decision.contradicts_landmarks:
        detected = decision.detected
        report.add("wrong_view", Level.REFUSE, view=decision.view.value,
                   seen=_seen_term(detected), detected=detected.value if detected else "",
                   pct=100 * decision.confidence)


def _seen_term(view: View | None) -> str:
    """The term (data/notes.json) for where the runner is seen from."""
    if view is None:
        return "seen_other"
    return "seen_side" if view.is_side else \
        ("seen_rear" if view is View.REAR else "seen_front")


def check_frontal(track: PoseTrack, config: QualityConfig, report: QualityReport) -> None:
    """Rear/front metrics measure small tilts across the hips: they need pixels there."""
    d = track.image_xy[:, 23] - track.image_xy[:, 24]
    hips = float(np.nanmedian(np.hypot(d[:, 0], d[:, 1]))) if track.detected.any() else 0.0
    if hips < config.min_hip_width_px:
        report.add("hips_small", Level.REFUSE, "hips_small_refuse", px=hips,
                   min_px=config.min_hip_width_px)
    elif hips < config.warn_hip_width_px:
        report.add("hips_small", Level.WARN, "hips_small_warn", px=hips,
                   deg=np.degrees(np.arctan(1 / hips)))


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
        report.add("few_strides", Level.REFUSE, "few_strides_refuse",
                   left=per_side[Side.LEFT], right=per_side[Side.RIGHT])
        return
    if fewest < steady:
        report.add("few_strides", Level.WARN, "few_strides_warn", fewest=fewest, n=steady)
    duty = duty_factor(events)
    cadence = events.cadence_spm
    double = double_support_fraction(events)
    if np.isfinite(duty) and duty > config.max_running_duty_factor:
        report.add("walking", Level.REFUSE, "walking_duty", pct=100 * duty)
    elif double > config.max_double_support:
        report.add("walking", Level.REFUSE, "walking_double", pct=100 * double)
    elif np.isfinite(cadence) and cadence < config.min_running_cadence_spm:
        report.add("slow_cadence", Level.WARN, cadence=cadence)
    elif not np.isfinite(cadence):
        report.add("no_cadence", Level.WARN)
    if events.alternation_ok < config.min_alternation:
        report.add("alternation", Level.WARN, pct=100 * events.alternation_ok)
