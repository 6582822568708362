"""Rear and front views on a synthetic frontal runner with known pelvic drop, knee angle,
toe-out, trunk sway, step width and camera roll."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.errors import CaptureQualityError
from formcheck.pipeline import analyze_track
from formcheck.synthetic import FrontalRunner, synthetic_frontal_track


def _summary(runner: FrontalRunner):  # noqa: ANN202
    track, truth = synthetic_frontal_track(runner)
    return analyze_track(track), truth


@pytest.mark.parametrize("front", [False, True], ids=["rear", "front"])
def test_view_and_runner_sides(front: bool) -> None:
    analysis, truth = _summary(FrontalRunner(front=front))
    assert analysis.view == ("front" if front else "rear")
    # the detected stance feet at each midstance are the runner's anatomical sides
    for foot in ("left", "right"):
        found = np.array([s.midstance_frame for s in analysis.strides if s.foot == foot])
        expected = truth["midstance_frames"][foot]
        hits = [np.min(np.abs(expected - f)) <= 1 for f in found]
        assert np.mean(hits) >= 0.9


@pytest.mark.parametrize("front", [False, True], ids=["rear", "front"])
@pytest.mark.parametrize("drop, fppa, sway", [(6.0, 8.0, 3.0), (2.0, -6.0, 1.0)])
def test_pelvic_drop_knee_angle_and_sway(front: bool, drop: float, fppa: float,
                                         sway: float) -> None:
    """Within 0.5°: the bump peaks at midstance; a ±2-frame median takes a little off."""
    analysis, _ = _summary(FrontalRunner(front=front, pelvic_drop_deg=drop,
                                         knee_fppa_deg=fppa, sway_deg=sway))
    for side in ("left", "right"):
        s = analysis.summary
        assert getattr(s["pelvic_drop_deg"], side).median == pytest.approx(drop, abs=0.5)
        assert getattr(s["knee_fppa_deg"], side).median == pytest.approx(fppa, abs=0.5)
        assert getattr(s["lateral_trunk_sway_deg"], side).median == pytest.approx(sway,
                                                                                  abs=0.5)


def test_camera_roll_is_removed_and_reported() -> None:
    level, _ = _summary(FrontalRunner(knee_fppa_deg=8.0, sway_deg=3.0))
    rolled, _ = _summary(FrontalRunner(knee_fppa_deg=8.0, sway_deg=3.0, roll_deg=5.0))
    assert rolled.scale.roll_deg == pytest.approx(5.0, abs=0.3)
    for metric in ("knee_fppa_deg", "lateral_trunk_sway_deg", "pelvic_drop_deg"):
        assert rolled.summary[metric].both.median == pytest.approx(
            level.summary[metric].both.median, abs=0.3)


def test_toe_out_from_the_front_and_refused_from_behind() -> None:
    """2D method: the sideways heel→toe offset over an expected foot length; the leg-length
    estimate from a frontal view is within ~7 %, hence 1.5°."""
    front, _ = _summary(FrontalRunner(front=True, toe_out_deg=12.0))
    assert front.summary["toe_out_deg"].both.median == pytest.approx(12.0, abs=1.5)
    rear, _ = _summary(FrontalRunner(front=False, toe_out_deg=12.0))
    assert rear.summary["toe_out_deg"].both.n == 0
    assert any(q.code == "toe_out_view" for q in rear.quality)


@pytest.mark.parametrize("width, sign", [(0.5, 1), (-0.3, -1)])
def test_step_width_and_crossover(width: float, sign: int) -> None:
    analysis, _ = _summary(FrontalRunner(step_width_hip=width))
    value = analysis.summary["step_width_pct_pelvis"].both.median
    assert np.sign(value) == sign
    assert value == pytest.approx(100 * width, abs=2.0)


def test_pelvis_from_hip_landmarks_is_flagged_without_a_waistband() -> None:
    track, _ = synthetic_frontal_track(FrontalRunner())
    no_waist = track.with_changes("test: no waistband", waist_line=None)
    analysis = analyze_track(no_waist)
    assert any(q.code == "pelvis_source" and q.level == "warn" for q in analysis.quality)


def test_narrow_hips_are_refused() -> None:
    track, _ = synthetic_frontal_track(FrontalRunner(leg_px=150, hip_width_leg=0.12))
    with pytest.raises(CaptureQualityError) as err:
        analyze_track(track)
    assert any(n.code == "hips_small" and n.template == "hips_small_refuse"
               for n in err.value.notes)


def test_validation_only_metrics_are_not_shown() -> None:
    from rich.console import Console

    from formcheck.report.terminal import render_summary

    analysis, _ = _summary(FrontalRunner(front=True))
    console = Console(record=True, width=160)
    render_summary(analysis, console)
    text = console.export_text()
    assert "Toe-out 3D" not in text and "Toe-out" in text
