"""Gait-cycle curves: joint angles over 0–100 % of the cycle, mean ± SD per side.

A cycle of one foot runs from its initial contact (0 %) to the same foot's next initial
contact (100 %), timed at the sub-frame contact instants of the events. Each cycle's angle
(from `angle_series.joint_angle_series`, the per-stride metrics' own definitions) is
resampled at 101 evenly spaced instants by linear interpolation in time between the measured
frames; the curve is the mean and sample SD (ddof = 1) of those resampled cycles, point by
point. The stance share is (TO − IC) / (next IC − IC) of the same cycles.

Which cycles count ([gait_cycle] in the config, with reasons):
- the stride's metrics were not withheld (`gate_strides` empties them for implausible
  strides and for an unreliable or far side);
- its toe-off lies between the two contacts, and the cycle is no longer than
  `max_cycle_of_median` × the clip's median cycle (longer ones span a missed contact);
- per angle: the angle is measured on both sides of each contact, and no gap between two
  measured frames inside the cycle exceeds `max_gap_cycle_fraction` of it.
A side with fewer than `min_cycles` such cycles has no curve for that angle, with the reason;
one with fewer than `min_strides` ([findings]) is marked low confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from formcheck.config import GaitCycleConfig
from formcheck.events import Stance
from formcheck.landmarks import Side
from formcheck.metrics.angle_series import joint_angle_series
from formcheck.metrics.compute import StrideResult
from formcheck.track import PoseTrack
from formcheck.view import View

N_POINTS = 101  # 0, 1, …, 100 % of the cycle


@dataclass(frozen=True)
class CycleAngleDef:
    """One curve: which per-frame series each side reads, and the sign that makes it the
    side's own (e.g. pelvic obliquity + = the other side lower, for either side)."""

    id: str
    unit: str
    sign: str
    series: tuple[str, str]  # (left, right) keys of `joint_angle_series`
    factor: tuple[float, float] = (1.0, 1.0)  # (left, right) sign factors
    of_leg: bool = False  # the angle of the side's own leg (withheld for a side view's far leg)


SIDE_CYCLE_ANGLES = (
    CycleAngleDef("knee_flexion", "deg", "180° − hip-knee-ankle angle in the image "
                  "(as knee_flexion_ic_deg); 0 = straight, + = flexed",
                  ("knee_flexion_l", "knee_flexion_r"), of_leg=True),
    CycleAngleDef("hip_flexion", "deg", "thigh against the trunk line; + = flexion (knee "
                  "ahead of the trunk line), − = extension",
                  ("hip_flexion_l", "hip_flexion_r"), of_leg=True),
    CycleAngleDef("trunk_lean", "deg", "hip-mid→shoulder-mid from vertical (as "
                  "trunk_lean_deg); + = forward", ("trunk_lean", "trunk_lean")),
)
FRONTAL_CYCLE_ANGLES = (
    CycleAngleDef("pelvic_obliquity", "deg", "hip line against the runner's own median (as "
                  "pelvic_drop_deg); + = the other side's hip lower (contralateral drop)",
                  ("pelvic_obliquity", "pelvic_obliquity"), (1.0, -1.0)),
    CycleAngleDef("fppa", "deg", "180° − hip-knee-ankle angle in the image (as "
                  "knee_fppa_deg); + = valgus (knee inside the hip-ankle line), − = varus",
                  ("fppa_l", "fppa_r")),
    CycleAngleDef("trunk_sway", "deg", "hip-mid→shoulder-mid from vertical (as "
                  "lateral_trunk_sway_deg); + = toward this side",
                  ("trunk_sway", "trunk_sway"), (-1.0, 1.0)),
)
CYCLE_ANGLES = {a.id: a for a in (*SIDE_CYCLE_ANGLES, *FRONTAL_CYCLE_ANGLES)}


@dataclass(frozen=True)
class SideCurve:
    mean: np.ndarray  # (101,) degrees
    sd: np.ndarray  # (101,) sample SD across cycles
    n_cycles: int
    stance_pct: float  # mean of (TO − IC) / (next IC − IC), %
    stance_pct_sd: float
    low_confidence: bool  # fewer cycles than [findings] min_strides


WithheldReason = Literal["no_usable_strides", "too_few_cycles", "far_leg"]


@dataclass(frozen=True)
class CurveWithheld:
    reason: WithheldReason
    n_cycles: int  # usable cycles found (fewer than the minimum)
    min_cycles: int


@dataclass(frozen=True)
class CycleCurves:
    angle: CycleAngleDef
    sides: dict[Side, SideCurve | CurveWithheld]


@dataclass(frozen=True)
class CycleWindows:
    """One side's cycles: contact, toe-off and next contact instants (s), one row each."""

    ic_s: np.ndarray
    to_s: np.ndarray
    next_ic_s: np.ndarray
    n_strides: int  # usable strides of the side, before the cycle checks

    @property
    def stance_share(self) -> np.ndarray:
        return (self.to_s - self.ic_s) / (self.next_ic_s - self.ic_s)


def cycle_windows(stances: Sequence[Stance], strides: Sequence[StrideResult], foot: Side,
                  config: GaitCycleConfig) -> CycleWindows:
    """The usable cycles of `foot` (see the module's rules); `stances` sorted by time."""
    usable = {(s.foot, s.ic_frame) for s in strides if s.metrics}
    own = [s for s in stances if s.foot is foot]
    cycle_s = [b.ic_time_s - a.ic_time_s for f in Side
               for a, b in _pairs([s for s in stances if s.foot is f])]
    longest = config.max_cycle_of_median * float(np.median(cycle_s)) if cycle_s else 0.0
    rows = np.array([(a.ic_time_s, a.to_time_s, b.ic_time_s) for a, b in _pairs(own)
                     if (a.foot, a.ic_frame) in usable], dtype=float).reshape(-1, 3)
    ic, to, nxt = rows.T
    keep = (ic < to) & (to < nxt) & (nxt - ic <= longest)
    return CycleWindows(ic[keep], to[keep], nxt[keep],
                        sum(1 for s in own if (s.foot, s.ic_frame) in usable))


def _pairs(stances: list[Stance]) -> list[tuple[Stance, Stance]]:
    return list(zip(stances[:-1], stances[1:], strict=True))


def resample_cycles(time_s: np.ndarray, values: np.ndarray, start_s: np.ndarray,
                    end_s: np.ndarray, max_gap_fraction: float,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Each cycle [start, end] of a per-frame series at 101 evenly spaced instants.

    Linear interpolation in time between the measured (finite) frames, so short gaps are
    bridged. Returns the (n, 101) curves and which cycles are usable: measured on both sides
    of the cycle's ends, with no interval between measured frames that overlaps the cycle
    longer than `max_gap_fraction` of the cycle.
    """
    pct = np.linspace(0.0, 1.0, N_POINTS)
    targets = start_s[:, None] + pct[None, :] * (end_s - start_s)[:, None]
    finite = np.isfinite(values)
    t, v = time_s[finite], values[finite]
    if t.size < 2:
        return np.full(targets.shape, np.nan), np.zeros(len(start_s), bool)
    curves = np.interp(targets, t, v)
    inside = (start_s >= t[0]) & (end_s <= t[-1])
    after = np.clip(np.searchsorted(t, targets, side="right"), 1, t.size - 1)
    gaps = (t[after] - t[after - 1]).max(axis=1) if targets.size else np.zeros(0)
    ok = inside & (gaps <= max_gap_fraction * (end_s - start_s))
    return curves, ok


def side_curve(time_s: np.ndarray, values: np.ndarray, windows: CycleWindows,
               config: GaitCycleConfig, min_strides: int) -> SideCurve | CurveWithheld:
    """Mean ± SD of one side's cycles of one (already side-signed) angle series."""
    if windows.n_strides == 0:
        return CurveWithheld("no_usable_strides", 0, config.min_cycles)
    curves, ok = resample_cycles(time_s, values, windows.ic_s, windows.next_ic_s,
                                 config.max_gap_cycle_fraction)
    n = int(ok.sum())
    if n < max(config.min_cycles, 2):
        return CurveWithheld("too_few_cycles", n, config.min_cycles)
    stance = 100.0 * windows.stance_share[ok]
    return SideCurve(mean=curves[ok].mean(axis=0), sd=curves[ok].std(axis=0, ddof=1),
                     n_cycles=n, stance_pct=float(stance.mean()),
                     stance_pct_sd=float(stance.std(ddof=1)), low_confidence=n < min_strides)


def curves_of_series(time_s: np.ndarray, angles: dict[str, np.ndarray],
                     stances: Sequence[Stance], strides: Sequence[StrideResult],
                     config: GaitCycleConfig, min_strides: int,
                     far_leg: Side | None = None) -> dict[str, CycleCurves]:
    """Every curve whose series `angles` holds (the view's), per side.

    `far_leg`: in a side view, the leg seen through the body. Its own joint curves are
    withheld: through swing it is hidden behind the near leg, and its curves came out both
    biased and lagging (rendered side clip: peak swing knee flexion 83° against 100° true,
    11° RMS; on the real GaitLab clip a 52° peak against the near leg's 79°). Its stance
    metrics at contact are kept by `gate_strides`' own rule; the other side's clip gives the
    curves."""
    windows = {foot: cycle_windows(stances, strides, foot, config) for foot in Side}
    out = {}
    for angle in CYCLE_ANGLES.values():
        if not all(key in angles for key in angle.series):
            continue
        sides: dict[Side, SideCurve | CurveWithheld] = {}
        for foot, key, factor in zip((Side.LEFT, Side.RIGHT), angle.series, angle.factor,
                                     strict=True):
            if angle.of_leg and foot is far_leg:
                sides[foot] = CurveWithheld("far_leg", 0, config.min_cycles)
                continue
            sides[foot] = side_curve(time_s, factor * np.asarray(angles[key], float),
                                     windows[foot], config, min_strides)
        out[angle.id] = CycleCurves(angle, sides)
    return out


def gait_cycle_curves(track: PoseTrack, view: View, roll_deg: float,
                      stances: Sequence[Stance], strides: Sequence[StrideResult],
                      config: GaitCycleConfig, min_strides: int) -> dict[str, CycleCurves]:
    """The view's gait-cycle curves from the cleaned track, levelled by the analysis's roll,
    over the gated strides (`plausibility.gate_strides`); a side view's far leg has none of
    its own (`curves_of_series`)."""
    angles = joint_angle_series(track, view, roll_deg=roll_deg)
    far = None if not view.is_side else Side.RIGHT if view is View.SIDE_LEFT else Side.LEFT
    return curves_of_series(track.time_s, angles, stances, strides, config, min_strides, far)
