"""Gait-cycle curves: time normalisation, mean ± SD, stance share, which strides count.

The series fixtures are exact: frames at 60 fps, cycles of T = 0.7037 s (not a whole number
of frames, so the sub-frame contacts fall anywhere between frames), the left foot's contacts
at k·T + 0.1013 s, the right's half a cycle later. Within each cycle the angle is a known
function of the phase p = (t − IC) / T. Linear interpolation between frames h = 1/60 s apart
is off by at most h²/8 · max|f''| (f'' in deg/s²), the tolerance used below.
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.config import GaitCycleConfig
from formcheck.events import Stance
from formcheck.landmarks import Side
from formcheck.metrics.compute import StrideResult
from formcheck.metrics.gait_cycle import (
    N_POINTS,
    CurveWithheld,
    SideCurve,
    curves_of_series,
)
from formcheck.pipeline import analyze_track_run
from formcheck.schema import Analysis
from formcheck.synthetic import (
    FrontalRunner,
    SyntheticRunner,
    synthetic_frontal_track,
    synthetic_side_track,
)

FPS = 60.0
PERIOD_S = 0.7037
FIRST_IC_S = {Side.LEFT: 0.1013, Side.RIGHT: 0.1013 + PERIOD_S / 2}
N_CYCLES = 12
DUTY = 0.38
AMPLITUDE = 40.0  # deg
CONFIG = GaitCycleConfig()
MIN_STRIDES = 7
PCT = np.linspace(0.0, 1.0, N_POINTS)


def knee(p: np.ndarray) -> np.ndarray:
    """A knee-like curve: 20° at contact, +40° sine hump over the cycle."""
    return 20.0 + AMPLITUDE * np.sin(np.pi * p) ** 2


# |f''| of knee() is at most 2π²·AMPLITUDE per cycle², i.e. 2π²·AMPLITUDE / T² per s²
INTERP_TOL = (1 / FPS) ** 2 / 8 * 2 * np.pi ** 2 * AMPLITUDE / PERIOD_S ** 2


def _times() -> np.ndarray:
    return np.arange(0.0, FIRST_IC_S[Side.RIGHT] + (N_CYCLES + 1) * PERIOD_S, 1 / FPS)


def _phase(time_s: np.ndarray, foot: Side) -> tuple[np.ndarray, np.ndarray]:
    """Cycle index and phase in [0, 1) of each frame for `foot`."""
    cycles = (time_s - FIRST_IC_S[foot]) / PERIOD_S
    return np.floor(cycles).astype(int), cycles - np.floor(cycles)


def _events(duty: list[float] | None = None, skip: tuple[int, ...] = (),
            empty: dict[Side, set[int]] | None = None,
            ) -> tuple[list[Stance], list[StrideResult]]:
    """Stances of both feet at the exact instants; `skip` leaves out left contacts (missed),
    `empty` withholds strides (metrics emptied, as `gate_strides` does)."""
    duty = duty or [DUTY] * (N_CYCLES + 1)
    stances, strides = [], []
    for foot in Side:
        for k in range(N_CYCLES + 1):
            if foot is Side.LEFT and k in skip:
                continue
            ic = FIRST_IC_S[foot] + k * PERIOD_S
            to = ic + duty[k] * PERIOD_S
            frame, to_frame = int(np.ceil(ic * FPS)), int(np.ceil(to * FPS))
            stances.append(Stance(foot, frame, to_frame, ic, to))
            withheld = empty is not None and k in empty.get(foot, set())
            strides.append(StrideResult(foot, frame, to_frame, frame / FPS,
                                        {} if withheld else {"contact_time_ms": 1.0}))
    stances.sort(key=lambda s: s.ic_time_s)
    return stances, strides


def _knee_series(time_s: np.ndarray, offsets: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """knee_flexion_l/r = knee(phase), plus offsets[cycle]·sin²(πp) (zero at each contact)."""
    out = {}
    for foot, key in ((Side.LEFT, "knee_flexion_l"), (Side.RIGHT, "knee_flexion_r")):
        k, p = _phase(time_s, foot)
        extra = 0.0 if offsets is None else \
            offsets[np.clip(k, 0, len(offsets) - 1)] * np.sin(np.pi * p) ** 2
        out[key] = knee(p) + extra
    return out


def _curve(result: dict, angle: str, foot: Side) -> SideCurve:
    curve = result[angle].sides[foot]
    assert isinstance(curve, SideCurve), curve
    return curve


def test_mean_recovers_the_curve_and_identical_strides_have_no_spread() -> None:
    time_s = _times()
    stances, strides = _events()
    result = curves_of_series(time_s, _knee_series(time_s), stances, strides, CONFIG,
                              MIN_STRIDES)
    assert set(result) == {"knee_flexion"}  # only the angles the series hold
    for foot in Side:
        c = _curve(result, "knee_flexion", foot)
        assert c.mean.shape == c.sd.shape == (101,)
        assert c.n_cycles == N_CYCLES and not c.low_confidence
        assert np.abs(c.mean - knee(PCT)).max() <= INTERP_TOL
        # each cycle is within INTERP_TOL of the truth, so their SD is within this
        assert c.sd.max() <= INTERP_TOL * np.sqrt(N_CYCLES / (N_CYCLES - 1))
        assert c.stance_pct == pytest.approx(100 * DUTY, abs=1e-9)
        assert c.stance_pct_sd == pytest.approx(0.0, abs=1e-9)


def test_sd_is_the_spread_of_known_offsets_and_stance_share_its_mean() -> None:
    time_s = _times()
    offsets = np.resize([-3.0, 0.0, 3.0, 6.0], N_CYCLES + 1)
    duty = list(np.resize([0.34, 0.38, 0.42], N_CYCLES + 1))
    stances, strides = _events(duty=duty)
    result = curves_of_series(time_s, _knee_series(time_s, offsets), stances, strides, CONFIG,
                              MIN_STRIDES)
    c = _curve(result, "knee_flexion", Side.LEFT)
    used = offsets[:N_CYCLES]  # the last contact has no next one: no cycle
    shape = np.sin(np.pi * PCT) ** 2
    # each cycle's curve is off by at most `error` (its amplitude is up to A + |offset|), so
    # the mean by as much, and the SD (a norm of the deviations) by error·√(n/(n−1))
    error = INTERP_TOL * (1 + np.abs(used).max() / AMPLITUDE)
    np.testing.assert_allclose(c.mean, knee(PCT) + used.mean() * shape, atol=error)
    np.testing.assert_allclose(c.sd, used.std(ddof=1) * shape,
                               atol=error * np.sqrt(N_CYCLES / (N_CYCLES - 1)))
    assert c.stance_pct == pytest.approx(100 * np.mean(duty[:N_CYCLES]), abs=1e-9)
    assert c.stance_pct_sd == pytest.approx(100 * np.std(duty[:N_CYCLES], ddof=1), abs=1e-9)


def test_withheld_strides_are_left_out() -> None:
    """Cycles whose strides `gate_strides` emptied carry a wrong curve: it must not show."""
    time_s = _times()
    bad = {2, 5, 9}
    series = _knee_series(time_s)
    k, _ = _phase(time_s, Side.LEFT)
    series["knee_flexion_l"] = np.where(np.isin(k, list(bad)), 170.0, series["knee_flexion_l"])
    stances, strides = _events(empty={Side.LEFT: bad})
    result = curves_of_series(time_s, series, stances, strides, CONFIG, MIN_STRIDES)
    left = _curve(result, "knee_flexion", Side.LEFT)
    assert left.n_cycles == N_CYCLES - len(bad)
    # a frame interval is 2.4 % of the cycle: from 3 % to 97 % every point lies between
    # two frames of its own cycle (nearer the ends, a neighbour's frame takes part)
    assert np.abs(left.mean[3:98] - knee(PCT)[3:98]).max() <= INTERP_TOL
    assert _curve(result, "knee_flexion", Side.RIGHT).n_cycles == N_CYCLES


def test_a_missed_contact_and_a_long_gap_drop_their_cycles() -> None:
    time_s = _times()
    series = _knee_series(time_s)
    # a gap of 12 frames (0.2 s, 28 % of a cycle) inside the left foot's cycle 6
    start = int(np.ceil((FIRST_IC_S[Side.LEFT] + 6.3 * PERIOD_S) * FPS))
    series["knee_flexion_l"][start:start + 12] = np.nan
    # one missing frame (two frame intervals, 4.7 % of a cycle) in cycle 8: bridged
    series["knee_flexion_l"][int((FIRST_IC_S[Side.LEFT] + 8.5 * PERIOD_S) * FPS)] = np.nan
    stances, strides = _events(skip=(3,))  # contact 3 missed: cycle 2 spans two cycles
    result = curves_of_series(time_s, series, stances, strides, CONFIG, MIN_STRIDES)
    left = _curve(result, "knee_flexion", Side.LEFT)
    n = N_CYCLES - 3  # cycle 2 (double length, standing for 2 and 3) and 6 are left out
    assert left.n_cycles == n
    # the bridged cycle interpolates over 2h there: 4 × the error bound, the others 1 ×
    assert np.abs(left.mean - knee(PCT)).max() <= INTERP_TOL * (4 + (n - 1)) / n


def test_too_few_cycles_withhold_the_side_with_the_reason() -> None:
    time_s = _times()
    series = _knee_series(time_s)
    everything = set(range(N_CYCLES + 1))
    stances, strides = _events(empty={Side.LEFT: everything,
                                      Side.RIGHT: everything - {0, 1}})
    result = curves_of_series(time_s, series, stances, strides, CONFIG, MIN_STRIDES)
    assert result["knee_flexion"].sides[Side.LEFT] == CurveWithheld(
        "no_usable_strides", 0, CONFIG.min_cycles)
    assert result["knee_flexion"].sides[Side.RIGHT] == CurveWithheld(
        "too_few_cycles", 2, CONFIG.min_cycles)
    # from min_cycles up to fewer than min_strides: shown, marked low confidence
    stances, strides = _events(empty={Side.LEFT: everything - {0, 1, 2}})
    result = curves_of_series(time_s, series, stances, strides, CONFIG, MIN_STRIDES)
    few = _curve(result, "knee_flexion", Side.LEFT)
    assert few.n_cycles == 3 and few.low_confidence


def test_frontal_angles_are_signed_per_side() -> None:
    """The obliquity series is + = runner's right lower. With the right hip lower in left
    stance and the left lower in right stance (contralateral drop on both sides), both sides'
    curves are + in their own stance and − in their swing; trunk sway + = toward the side."""
    time_s = _times()
    k_l, p_l = _phase(time_s, Side.LEFT)
    k_r, p_r = _phase(time_s, Side.RIGHT)
    bump_l = np.where(p_l < DUTY, np.sin(np.pi * p_l / DUTY), 0.0)
    bump_r = np.where(p_r < DUTY, np.sin(np.pi * p_r / DUTY), 0.0)
    drop, sway = 6.0, 3.0
    angles = {"pelvic_obliquity": drop * (bump_l - bump_r),
              "fppa_l": 5.0 * bump_l, "fppa_r": -4.0 * bump_r,  # left valgus, right varus
              "trunk_sway": sway * (bump_r - bump_l)}  # + = toward the runner's right
    stances, strides = _events()
    result = curves_of_series(time_s, angles, stances, strides, CONFIG, MIN_STRIDES)
    assert set(result) == {"pelvic_obliquity", "fppa", "trunk_sway"}
    mid = round(100 * DUTY / 2)
    for foot in Side:
        pelvis = _curve(result, "pelvic_obliquity", foot)
        assert pelvis.mean[mid] == pytest.approx(drop, abs=0.05)
        assert pelvis.mean[50 + mid] == pytest.approx(-drop, abs=0.05)
        assert _curve(result, "trunk_sway", foot).mean[mid] == pytest.approx(sway, abs=0.05)
    assert _curve(result, "fppa", Side.LEFT).mean[mid] == pytest.approx(5.0, abs=0.05)
    assert _curve(result, "fppa", Side.RIGHT).mean[mid] == pytest.approx(-4.0, abs=0.05)


def test_pipeline_curves_in_the_analysis_and_its_json() -> None:
    """Side view: knee, hip and trunk curves per side; 101 points rounded to 2 decimals; the
    JSON reads back equal; an analysis.json from before the curves still loads."""
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=6))
    analysis = analyze_track_run(track).analysis
    assert set(analysis.gait_cycle) == {"knee_flexion", "hip_flexion", "trunk_lean"}
    assert analysis.view == "side_right"  # the left leg is the far one
    for foot in ("left", "right"):
        c = analysis.gait_cycle["trunk_lean"].side(foot)
        assert c is not None and len(c.mean) == len(c.sd) == 101
        usable = sum(1 for s in analysis.strides if s.foot == foot and s.metrics)
        assert 3 <= c.n_cycles <= usable - 1  # the last stride has no next contact
        assert all(v is not None and round(v, 2) == v for v in c.mean + c.sd)
    for angle in ("knee_flexion", "hip_flexion"):
        # the near leg's own curves; the far leg's are withheld with the reason
        assert analysis.gait_cycle[angle].side("right") is not None
        assert analysis.gait_cycle[angle].side("left") is None
        assert analysis.gait_cycle[angle].withheld["left"].reason == "far_leg"
    again = Analysis.model_validate_json(analysis.model_dump_json())
    assert again == analysis
    old = analysis.model_dump(mode="json")
    del old["gait_cycle"]
    assert Analysis.model_validate(old).gait_cycle == {}


def test_pipeline_frontal_pelvis_curve_has_the_metrics_sign() -> None:
    """A rear-view runner with contralateral drop: each side's obliquity curve around its
    own midstance is +, as that side's pelvic_drop_deg, and − in its swing."""
    track, _ = synthetic_frontal_track(FrontalRunner(pelvic_drop_deg=8.0))
    analysis = analyze_track_run(track).analysis
    pelvis = analysis.gait_cycle["pelvic_obliquity"]
    for foot in ("left", "right"):
        c = pelvis.side(foot)
        assert c is not None and c.stance_pct is not None
        assert analysis.summary["pelvic_drop_deg"].model_dump()[foot]["median"] > 0
        mid = round(c.stance_pct / 2)
        assert c.mean[mid] > 0 and c.mean[min(100, mid + 50)] < 0
