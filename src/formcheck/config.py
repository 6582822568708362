"""One typed configuration, one section per stage; defaults live here with their reasons.

Each stage receives only its own section. A user changes them in a TOML file
(`formcheck analyze --config formcheck.toml`, also `batch` and `serve`): one `[section]` per
field of `Config`, holding only the keys to change. `formcheck.toml.example` at the repo root
lists every key with its default and reason; it is generated from this module
(`python -m formcheck.config > formcheck.toml.example`, or `formcheck config`).
"""

from __future__ import annotations

import json
import sys
import textwrap
import tomllib
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from formcheck.errors import InputError
from formcheck.texts import LANGS, error_list, error_term


def _opt(default: Any, why: str, **extra: Any) -> Any:  # noqa: ANN401 (any field type)
    """A config field: its default and the reason for it (shown in the example file)."""
    return field(default=default, metadata={"why": why, **extra})


@dataclass(frozen=True)
class PoseConfig:
    model: str = _opt("full", "Pose model size: lite, full or heavy (--model overrides it).",
                      choices=("lite", "full", "heavy"))
    max_side_px: int = _opt(
        1280, "Frames are downscaled so their long side is at most this before MediaPipe "
        "sees them: the network runs at 256 px anyway; smaller input saves conversion time "
        "at no accuracy cost.")
    min_detection_confidence: float = _opt(0.5, "MediaPipe's default confidence to detect "
                                           "a person.")
    min_tracking_confidence: float = _opt(0.5, "MediaPipe's default confidence to keep "
                                          "tracking the person between frames.")
    segmentation: bool = _opt(True, "The back-contour feature for the lumbar-extension index "
                              "needs the segmentation mask.")


@dataclass(frozen=True)
class CleaningConfig:
    max_gap_s: float = _opt(0.12, "Gaps up to this long are interpolated; longer ones stay "
                            "missing (no invented strides).")
    identity_jump_torso: float = _opt(
        0.9, "A jump of the hip midpoint larger than this many torso lengths in one frame "
        "means the tracker jumped to another person (or lost the runner): those frames are "
        "dropped.")
    identity_size_jump: float = _opt(
        1.6, "A change of body size (torso length) by more than this factor between two "
        "frames also means another person.")
    identity_size_match: float = _opt(
        0.35, "Pieces of the clip split off at such jumps are kept when their body size "
        "matches the main runner's within this share.")
    lowpass_hz: float = _opt(
        9.0, "Zero-lag Butterworth low-pass. Running kinematics have little power above "
        "~8-10 Hz; Pose2Sim uses 6 Hz for walking. We keep 9 Hz so foot contacts stay sharp, "
        "capped at `lowpass_max_of_fps` × the frame rate.")
    lowpass_max_of_fps: float = _opt(
        0.4, "The low-pass cut-off never exceeds this share of the frame rate (below the "
        "Nyquist limit of 0.5, with room for the filter's roll-off).")
    lowpass_order: int = _opt(2, "Order of that low-pass filter.")
    swap_switch_cost_leg: float = _opt(0.10, "Cost of one left/right relabelling in the "
                                       "swap-correction chain, in leg lengths.")


@dataclass(frozen=True)
class EventConfig:
    min_cadence_spm: float = _opt(
        60.0, "Cadence search range in steps per minute: running is 120–230, but "
        "walking and slow-motion clips must still get a number so the quality check can "
        "name them.")
    max_cadence_spm: float = _opt(230.0, "Upper end of that range.")
    contact_height_leg: float = _opt(
        0.035, "A foot counts as on the ground when its lowest point is within this fraction "
        "of leg length of the local ground line.")
    ground_percentile: float = _opt(95.0, "Local ground line = this percentile of the foot's "
                                    "lowest point over a sliding window.")
    contact_speed_of_running: float = _opt(
        0.5, "Contact begins when the foot's forward speed relative to the ground falls below "
        "this fraction of the running speed (see events.py; 0.4–0.6 give the same timing to "
        "±1 frame).")
    plateau_tolerance: float = _opt(0.2, "Share of the contact height allowed below a heel's or "
                                    "toe's stance level when the contact frame is refined.")
    stance_level_percentile: float = _opt(
        75.0, "A heel's or toe's stance level = this percentile of its height over the "
        "candidate stance (robust to the heel rising before toe-off).")
    ground_window_s: float = _opt(2.0, "Length of the sliding window of the local ground line: "
                                  "about three strides.")
    ic_search_before_s: float = _opt(0.12, "How far before the height-based contact the "
                                     "velocity crossing (the contact instant) is searched.")
    ic_search_after_s: float = _opt(0.05, "How far after the height-based contact it is "
                                    "searched.")
    ambiguous_gap_steps: float = _opt(
        0.3, "A gap between strikes more than this far from a whole number of steps restarts "
        "the step count used to check that the feet alternate.")
    frontal_search_steps: float = _opt(
        0.6, "Rear/front views: contact and toe-off are searched within this many steps "
        "before and after each midstance.")
    min_stance_s: float = _opt(0.06, "No running stance is shorter than this (sprinters' "
                               "contacts are ~80 ms); shorter runs of contact are noise.")
    frontal_min_step_share: float = _opt(
        0.8, "Rear/front views: two pelvis low points are at least this share of the "
        "shortest step (at `max_cadence_spm`) apart.")
    frontal_min_dip_leg: float = _opt(
        0.005, "Rear/front views: a pelvis low point must dip by at least this fraction of "
        "leg length to count as a step.")


@dataclass(frozen=True)
class QualityConfig:
    warn_fps: float = _opt(50.0, "Below this frame rate: warn, contact times and angles at "
                           "foot strike are less precise.")
    min_fps: float = _opt(20.0, "Below this frame rate: refuse, foot contacts cannot be "
                          "timed.")
    min_runner_px: float = _opt(150.0, "Runner height (nose to heel) below this: refuse.")
    max_body_tilt_deg: float = _opt(
        60.0, "Hip→shoulder line further than this from upright (median): the runner is shown "
        "lying down, i.e. the picture or its rotation tag is wrong. Runners lean at most "
        "~20–30° forward.")
    warn_runner_px: float = _opt(300.0, "Runner height below this: warn.")
    min_detected_fraction: float = _opt(0.6, "Share of frames with a pose below which the "
                                        "runner counts as not found: refuse.")
    max_feet_out_fraction: float = _opt(0.25, "Share of frames with a heel or toe outside "
                                        "the picture or hidden above which: refuse.")
    min_strides_per_side: int = _opt(3, "Fewer foot strikes than this on a side: refuse "
                                     "(fewer than [findings] min_strides: warn).")
    max_running_duty_factor: float = _opt(0.5, "Above: no flight phase, i.e. walking.")
    min_running_cadence_spm: float = _opt(130.0, "Cadence below this is low for running: "
                                          "warn (walking, or slow motion).")
    max_double_support: float = _opt(0.25, "Running has no double support; walking ~30-40 %.")
    min_hip_width_px: float = _opt(30.0, "Rear/front views, hips narrower than this: refuse "
                                   "(1 px = 1.9° of hip-line tilt at 30 px).")
    warn_hip_width_px: float = _opt(60.0, "Rear/front views, hips narrower than this: warn.")
    min_duration_s: float = _opt(3.0, "A clip shorter than this cannot hold enough strides: "
                                 "refuse.")
    hidden_visibility: float = _opt(0.2, "A heel or toe whose MediaPipe visibility is below "
                                    "this counts as hidden (for the feet-out share).")
    min_alternation: float = _opt(0.8, "Share of consecutive strikes that must alternate feet; "
                                  "below: warn that some contacts were missed.")


@dataclass(frozen=True)
class PlausibilityConfig:
    contact_ms: tuple[float, float] = _opt(
        (100.0, 450.0), "Physically possible ranges for running (wide on purpose: outside "
        "them the events are wrong, not the runner). Contact 100–450 ms spans sprinting to "
        "slow jogging (Nummela 2007; Van Oeveren 2024).")
    flight_ms: tuple[float, float] = _opt((0.0, 300.0), "Flight time of a running stride "
                                          "(ms).")
    overstride_pct: tuple[float, float] = _opt(
        (-15.0, 60.0), "A heel more than 60 % of leg length ahead of the hip, or 15 % behind "
        "it, at contact is not a running stride.")
    gap_steps: float = _opt(1.6, "A gap between strikes longer than this many median steps "
                            "hides at least one missed strike.")
    max_missed_share: float = _opt(0.25, "More missed steps than this: the events cannot be "
                                   "trusted (refuse).")
    warn_missed_share: float = _opt(0.05, "More missed steps than this: warn.")
    max_step_cv: float = _opt(0.25, "Steady running varies a few % step to step; more is "
                              "detection noise (refuse).")
    min_side_kept: float = _opt(0.6, "A side keeps its numbers when this share of its strides "
                                "is plausible.")
    truncated_share: float = _opt(0.9, "Decoded duration below this share of the container's: "
                                  "truncated.")
    dropped_gap: float = _opt(1.5, "A frame interval this many times the median means frames "
                              "are missing.")
    warn_dropped_share: float = _opt(0.02, "Dropped frames are reported when more than this "
                                     "share of the frames is missing, or ...")
    warn_dropped_gap_s: float = _opt(0.1, "... when a gap between frames is longer than this "
                                     "(seconds).")
    max_unmeasured_camera: float = _opt(0.2, "Share of frames whose camera motion may be "
                                        "unknown when the camera moved (more: refuse).")


@dataclass(frozen=True)
class ViewConfig:
    side_max_width: float = _opt(
        0.30, "Shoulder and hip width over torso height: rendered side views measure "
        "0.06–0.14, rear and front views 0.52–0.58 (MediaPipe's joint centres sit inside the "
        "body outline). Below this: side view.")
    frontal_min_width: float = _opt(0.42, "Above this: rear or front view; in between: "
                                    "oblique.")
    changes_share: float = _opt(0.25, "The clip changes view when more than this share of "
                                "the frames votes for each family (side, rear/front).")


@dataclass(frozen=True)
class MetricConfig:
    leg_length_per_height: float = _opt(0.530, "Leg length as a fraction of body height "
                                        "(Winter's anthropometry; hip-joint height).")
    rearfoot_min_deg: float = _opt(8.0, "Altman & Davis 2012 foot-strike-angle threshold: "
                                   "rearfoot strike above this (degrees).")
    forefoot_max_deg: float = _opt(-1.6, "Altman & Davis 2012: forefoot strike below this "
                                   "(degrees).")


@dataclass(frozen=True)
class FindingsConfig:
    min_strides: int = _opt(
        7, "Dingenen 2018: medians of >= 7 strides. Fewer on a side: quality warns, the "
        "confidence of a finding is scaled down, an asymmetry is not called notable; also the "
        "smallest drift window and the fewest strides `compare` uses per clip.")
    drift_window_fraction: float = _opt(0.25, "Drift compares the first and last quarter of "
                                        "the strides.")
    min_drift_span_s: float = _opt(
        50.0, "Within one clip, drift is only meaningful when the early and late windows are "
        "far enough apart for a runner to tire. Below a minute the two windows of a steady "
        "runner differ only by measurement noise (on the 12-s GaitLab clip the early/late "
        "change of every metric is within its stride-to-stride spread), and fatigue-related "
        "changes build over minutes of running. 50 s of strides = a one-minute clip, "
        "allowing for the strides cut off at its two ends.")


@dataclass(frozen=True)
class GaitCycleConfig:
    min_cycles: int = _opt(
        3, "Fewest usable strides of a side for its mean ± SD curve (an SD needs at least "
        "three); from 3 to fewer than [findings] min_strides the curve is shown as low "
        "confidence.")
    max_gap_cycle_fraction: float = _opt(
        0.10, "A stride's angle may have a gap (between two measured frames) of at most this "
        "share of its cycle; it is bridged by a straight line. Longer: the stride is left out "
        "of that curve. A tenth of a cycle is one missing frame at 30 fps and 170 steps/min, "
        "and narrower than any peak of the curves (the swing knee peak spans ~30 %). The "
        "cleaning already fills gaps up to [cleaning] max_gap_s, so on a cleaned track a "
        "stride with any remaining gap is left out.")
    max_cycle_of_median: float = _opt(
        1.5, "A cycle (foot strike to the same foot's next strike) longer than this many "
        "times the clip's median cycle spans a missed foot strike and is left out.")


@dataclass(frozen=True)
class Config:
    pose: PoseConfig = field(default_factory=PoseConfig,
                             metadata={"why": "Pose estimation (MediaPipe)."})
    cleaning: CleaningConfig = field(default_factory=CleaningConfig,
                                     metadata={"why": "Cleaning of the pose track."})
    events: EventConfig = field(default_factory=EventConfig,
                                metadata={"why": "Gait events: foot strikes and toe-offs."})
    quality: QualityConfig = field(default_factory=QualityConfig,
                                   metadata={"why": "Capture-quality checks: warn or refuse."})
    plausibility: PlausibilityConfig = field(
        default_factory=PlausibilityConfig,
        metadata={"why": "Plausibility gates: frames, steps and strides must make physical "
                         "sense before any finding."})
    view: ViewConfig = field(default_factory=ViewConfig,
                             metadata={"why": "Camera view from the landmarks."})
    metrics: MetricConfig = field(default_factory=MetricConfig,
                                  metadata={"why": "Per-stride metrics."})
    findings: FindingsConfig = field(default_factory=FindingsConfig,
                                     metadata={"why": "Findings, asymmetry and drift."})
    gait_cycle: GaitCycleConfig = field(
        default_factory=GaitCycleConfig,
        metadata={"why": "Gait-cycle curves: joint angles from foot strike to foot strike."})


def _sections() -> dict[str, type]:
    hints = typing.get_type_hints(Config)
    return {f.name: hints[f.name] for f in fields(Config)}


def _toml_value(value: Any) -> str:  # noqa: ANN401
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, width=94, initial_indent="# ", subsequent_indent="# ")


def example_toml() -> str:
    """The commented example configuration: every section and key with its default and why."""
    lines = [
        "# formcheck configuration: every key with its default and the reason for it.",
        "# Use it with `formcheck analyze --config FILE` (also `batch` and `serve`); keep only",
        "# the keys you change, the others keep their defaults.",
        "# Generated from src/formcheck/config.py: `formcheck config > formcheck.toml.example`.",
    ]
    for section, cls in _sections().items():
        why = next(f for f in fields(Config) if f.name == section).metadata["why"]
        lines += ["", *_comment(why), f"[{section}]"]
        for f in fields(cls):
            lines += [*_comment(f.metadata["why"]), f"{f.name} = {_toml_value(f.default)}"]
    return "\n".join(lines) + "\n"


def _type_name(hint: Any) -> dict[str, str]:  # noqa: ANN401
    """What a value must be ("a number"), in every language, for an error message."""
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        item = _type_name(args[0])
        return {lang: error_term("type_list", n=len(args), item=item[lang])[lang] for lang in item}
    name = {bool: "bool", int: "int", float: "float", str: "str"}.get(hint)
    return error_term(f"type_{name}") if name else {lang: str(hint) for lang in LANGS}


def _convert(value: Any, hint: Any) -> Any:  # noqa: ANN401
    """`value` as the field's type, or raise ValueError."""
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        if not isinstance(value, list) or len(value) != len(args):
            raise ValueError
        return tuple(_convert(v, a) for v, a in zip(value, args, strict=True))
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif hint is str and isinstance(value, str):
        return value
    raise ValueError


def config_from_dict(data: dict[str, Any], source: str = "the configuration") -> Config:
    """A Config from parsed TOML; keys not given keep their defaults. Raises InputError."""
    sections = _sections()
    values: dict[str, Any] = {}
    for section, table in data.items():
        if section not in sections:
            raise InputError.coded("config_unknown_section", source=source, section=section,
                                   sections=error_list(f"[{s}]" for s in sections))
        if not isinstance(table, dict):
            raise InputError.coded("config_not_a_section", source=source, section=section)
        cls = sections[section]
        hints = typing.get_type_hints(cls)
        known = {f.name: f for f in fields(cls)}
        kwargs = {}
        for key, value in table.items():
            if key not in known:
                raise InputError.coded("config_unknown_key", source=source, section=section,
                                       key=key, keys=error_list(known))
            spec = known[key]
            try:
                converted = _convert(value, hints[key])
            except ValueError:
                raise InputError.coded("config_bad_type", source=source, section=section,
                                       key=key, value=_toml_value(value),
                                       type=_type_name(hints[key]),
                                       default=_toml_value(spec.default)) from None
            choices = spec.metadata.get("choices")
            if choices and converted not in choices:
                raise InputError.coded("config_bad_choice", source=source, section=section,
                                       key=key, value=_toml_value(value),
                                       choices=error_list(choices))
            kwargs[key] = converted
        values[section] = cls(**kwargs)
    return Config(**values)


def load_config(path: Path | str) -> Config:
    """Read a TOML configuration file; unknown or mistyped keys raise InputError."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise InputError.coded("config_unreadable", path=str(path),
                               detail=str(exc.strerror or exc)) from None
    except ValueError as exc:  # tomllib.TOMLDecodeError, or bytes that are not UTF-8
        raise InputError.coded("config_not_toml", source=str(path), detail=str(exc)) from None
    return config_from_dict(data, str(path))


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(example_toml())
