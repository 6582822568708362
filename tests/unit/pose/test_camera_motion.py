"""A moving camera: its motion measured from the background, removed before events are timed,
and a refusal when it cannot be followed."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from formcheck.errors import CaptureQualityError
from formcheck.events import camera_lift_px, steadied
from formcheck.landmarks import N_LANDMARKS
from formcheck.pipeline import analyze_track
from formcheck.plausibility import check_camera_motion
from formcheck.pose.ground_motion import ground_shift
from formcheck.quality import Level, QualityReport
from formcheck.synthetic import SyntheticRunner, synthetic_side_track

H, W = 360, 480


def _texture(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    noise = rng.integers(0, 255, (H, W)).astype(np.uint8)
    return cv2.GaussianBlur(noise, (0, 0), 2.0)


def _runner_points(x0: float, x1: float, y0: float, y1: float) -> np.ndarray:
    """33 normalised landmarks spread over a box (the 'runner')."""
    rng = np.random.default_rng(1)
    xs = rng.uniform(x0, x1, N_LANDMARKS) / W
    ys = rng.uniform(y0, y1, N_LANDMARKS) / H
    return np.column_stack([xs, ys])


def _move(image: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    return cv2.warpAffine(image, matrix, (W, H), flags=cv2.INTER_CUBIC,
                          borderMode=cv2.BORDER_REFLECT)


def _with_runner(background: np.ndarray, runner_x: int) -> np.ndarray:
    """Paste a bright, differently textured block where the runner is."""
    out = background.copy()
    out[60:300, runner_x:runner_x + 80] = _texture(9)[60:300, 0:80] // 2 + 128
    return out


def test_ground_shift_recovers_a_sub_pixel_translation_despite_the_runner() -> None:
    ground = _texture()
    shift = np.array([3.4, -1.7])
    previous = _with_runner(ground, 200)
    current = _with_runner(_move(ground, np.array([[1, 0, shift[0]], [0, 1, shift[1]]])), 212)
    points = _runner_points(212, 292, 60, 300)
    dx, dy = ground_shift(previous, current, points, np.array([252 / W, 300 / H]))
    assert dx * W == pytest.approx(shift[0], abs=0.1)
    assert dy * H == pytest.approx(shift[1], abs=0.1)


def test_ground_shift_follows_a_camera_roll_at_the_feet() -> None:
    ground = _texture(2)
    roll = cv2.getRotationMatrix2D((W / 2, H / 2), 1.0, 1.0)  # 1° about the centre
    feet = np.array([400.0, 330.0])
    expected = roll[:, :2] @ feet + roll[:, 2] - feet
    points = _runner_points(360, 440, 60, 330)
    dx, dy = ground_shift(ground, _move(ground, roll), points, feet / (W, H))
    assert (dx * W, dy * H) == pytest.approx(tuple(expected), abs=0.15)


def test_ground_shift_is_unknown_on_a_blank_background() -> None:
    blank = np.full((H, W), 128, np.uint8)
    points = _runner_points(200, 280, 60, 300)
    assert np.isnan(ground_shift(blank, blank, points, np.array([0.5, 0.8]))).all()


def _shaken(track, amplitude_px: float, hz: float, measured: bool):  # noqa: ANN001, ANN202
    """The track as a hand-held camera bobbing up and down would film it."""
    shake = amplitude_px * np.sin(2 * np.pi * hz * track.time_s)
    xy = track.image_xy.copy()
    xy[:, :, 1] += shake[:, None]
    steps = np.column_stack([np.zeros(track.n_frames), np.diff(shake, prepend=shake[0])])
    return track.with_changes("test: camera shake", image_xy=xy,
                              ground_shift=steps if measured else None)


def _ic_frames(analysis, foot: str) -> np.ndarray:  # noqa: ANN001
    return np.array([e.frame for e in analysis.events
                     if e.foot == foot and e.type == "initial_contact"])


def _share_within_one_frame(found: np.ndarray, truth: np.ndarray) -> float:
    matched = [np.min(np.abs(found - t)) <= 1 for t in truth] if len(found) else [False]
    return float(np.mean(matched))


def test_camera_lift_sums_the_measured_steps_and_steadies_the_feet() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=4.0))
    shaken = _shaken(track, 20.0, 1.3, measured=True)
    lift = camera_lift_px(shaken)
    expected = 20.0 * np.sin(2 * np.pi * 1.3 * track.time_s)
    assert np.allclose(lift, expected - expected[0], atol=1e-9)
    back = steadied(shaken).image_xy[:, :, 1] + expected[0]
    assert np.allclose(back, track.image_xy[:, :, 1], equal_nan=True)


def _ic_accuracy(track, truth) -> float:  # noqa: ANN001
    """Worse foot's share of true ICs found within one frame; 0 when the clip is refused."""
    try:
        analysis = analyze_track(track)
    except CaptureQualityError:
        return 0.0
    return min(_share_within_one_frame(_ic_frames(analysis, foot), truth.ic_frames[foot])
               for foot in ("left", "right"))


@pytest.mark.parametrize(("amplitude_px", "hz"), [(20.0, 0.8), (30.0, 2.0)])
def test_hand_held_shake_no_longer_moves_the_foot_strikes(amplitude_px: float,
                                                          hz: float) -> None:
    """A hand-held phone bobbing by 20–30 px (leg 300 px; the foot lifts ~10 px at contact):
    measured and removed, the strikes land where the steady camera puts them; left in, the
    strikes are lost or the clip is refused."""
    runner = SyntheticRunner(fps=30, duration_s=12.0)
    track, truth = synthetic_side_track(runner)
    corrected = _ic_accuracy(_shaken(track, amplitude_px, hz, measured=True), truth)
    uncorrected = _ic_accuracy(_shaken(track, amplitude_px, hz, measured=False), truth)
    assert corrected >= 0.9
    assert corrected > uncorrected + 0.3


def _report_for(track, contact_px: float) -> QualityReport:  # noqa: ANN001
    report = QualityReport()
    check_camera_motion(track, contact_px, report)
    return report


def test_a_moving_camera_that_was_followed_is_named() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=4.0))
    report = _report_for(_shaken(track, 20.0, 1.3, measured=True), contact_px=10.0)
    assert [n.code for n in report.notes] == ["camera_moving"]
    assert report.notes[0].level is Level.INFO


def test_a_moving_camera_that_was_lost_is_refused_with_advice() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=4.0))
    shaken = _shaken(track, 20.0, 1.3, measured=True)
    steps = shaken.ground_shift.copy()
    steps[::2, 1] = np.nan  # half the frames: no texture to follow
    report = _report_for(shaken.with_changes("test: lost", ground_shift=steps), 10.0)
    assert [n.code for n in report.refusals] == ["camera_motion_unrecovered"]


def test_a_still_camera_says_nothing() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=4.0))
    still = track.with_changes("test: still", ground_shift=np.zeros((track.n_frames, 2)))
    assert _report_for(still, 10.0).notes == []
