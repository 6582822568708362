"""Each side-view metric on hand-built geometry with an exact answer."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck import landmarks as L
from formcheck.metrics import side
from formcheck.metrics.context import StrideContext
from formcheck.metrics.registry import REGISTRY
from formcheck.synthetic import SyntheticRunner, knee_flexion_from_distance, synthetic_side_track


def _context(xy: np.ndarray, forward: int = 1, ic: int = 0, to: int = 3) -> StrideContext:
    return StrideContext(foot=L.Side.LEFT, ic=ic, to=to, next_ic_same=None,
                         next_ic_other=None, time_s=np.arange(len(xy)) / 60.0, xy=xy,
                         forward=forward, leg_px=100.0, trunk_px=60.0, leg_cm=None,
                         back_concavity=None)


def _pose(knee_flex: float, lean: float, forward: int = 1, frames: int = 4) -> np.ndarray:
    """Hip at the origin; thigh 50 px straight down; shank bent `knee_flex` forward;
    trunk 60 px leaning `lean` forward."""
    xy = np.zeros((frames, L.N_LANDMARKS, 2))
    knee = np.array([0.0, 50.0])
    a = np.radians(knee_flex)
    ankle = knee + 50 * np.array([-forward * np.sin(a), np.cos(a)])
    b = np.radians(lean)
    shoulder = 60 * np.array([forward * np.sin(b), -np.cos(b)])
    for i in (L.LEFT_KNEE, L.RIGHT_KNEE):
        xy[:, i] = knee
    for i in (L.LEFT_ANKLE, L.RIGHT_ANKLE):
        xy[:, i] = ankle
    xy[:, L.LEFT_HEEL] = [forward * 10, ankle[1] + 5]
    xy[:, L.LEFT_TOE] = [forward * 30, ankle[1] + 5]
    xy[:, L.LEFT_SHOULDER] = xy[:, L.RIGHT_SHOULDER] = shoulder
    return xy


@pytest.mark.parametrize("forward", [1, -1])
@pytest.mark.parametrize("flex, lean", [(0.0, 0.0), (20.0, 8.0), (35.0, -5.0)])
def test_knee_flexion_trunk_lean_shank(forward: int, flex: float, lean: float) -> None:
    c = _context(_pose(flex, lean, forward), forward)
    assert side.knee_flexion_ic_deg(c) == pytest.approx(flex, abs=1e-6)
    assert side.trunk_lean_deg(c) == pytest.approx(lean, abs=1e-6)
    # thigh vertical, so the shank leans back by the knee flexion: ankle behind the knee
    assert side.shank_angle_ic_deg(c) == pytest.approx(-flex, abs=1e-6)
    # the heel is 10 px ahead of the hip
    assert side.overstride_pct_leg(c) == pytest.approx(10.0, abs=1e-6)
    expected_offset = -100 * 60 * np.sin(np.radians(lean)) / 60
    assert side.pelvis_forward_pct_trunk(c) == pytest.approx(expected_offset, abs=1e-6)


def test_foot_strike_angle_relative_to_flat_foot() -> None:
    xy = _pose(10, 5, frames=6)
    # frame 0: toes 20° up about the heel; later frames flat
    heel = xy[0, L.LEFT_HEEL]
    xy[0, L.LEFT_TOE] = heel + 20 * np.array([np.cos(np.radians(20)), -np.sin(np.radians(20))])
    c = _context(xy, ic=0, to=6)
    assert side.foot_strike_angle_deg(c) == pytest.approx(20.0, abs=1e-6)


def test_knee_flexion_matches_the_generator_at_exact_contact() -> None:
    runner = SyntheticRunner(overstride_leg=0.05)
    track, truth = synthetic_side_track(runner)
    frame = int(truth.ic_frames["left"][3])
    c = StrideContext(foot=L.Side.LEFT, ic=frame, to=frame + 10, next_ic_same=None,
                      next_ic_other=None, time_s=track.time_s, xy=track.image_xy, forward=1,
                      leg_px=runner.leg_px, trunk_px=100.0, leg_cm=None, back_concavity=None)
    hip, knee, ankle = (track.image_xy[frame, i] for i in L.LEG[L.Side.LEFT][:3])
    expected = knee_flexion_from_distance(float(np.linalg.norm(ankle - hip)), runner.thigh_px,
                                          runner.shank_px)
    assert side.knee_flexion_ic_deg(c) == pytest.approx(expected, abs=1e-6)


def test_registry_entries_are_complete() -> None:
    for metric in REGISTRY.values():
        assert metric.unit and metric.sign and metric.views
        if metric.guidance is not None:
            assert metric.guidance.source
