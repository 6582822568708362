"""Track cleaning: leg-swap correction, gap filling, zero-lag filtering, identity jumps."""

from __future__ import annotations

import numpy as np

from formcheck import landmarks as L
from formcheck.cleaning import (
    correct_leg_swaps,
    detect_leg_swaps,
    drop_identity_jumps,
    fill_gaps,
    lowpass,
)
from formcheck.config import CleaningConfig
from formcheck.synthetic import SyntheticRunner, synthetic_side_track

CONFIG = CleaningConfig()


def test_injected_leg_swaps_are_found_and_undone() -> None:
    swaps = ((50, 58), (200, 230), (400, 403))
    clean, _ = synthetic_side_track(SyntheticRunner(noise_px=1.0, seed=1))
    swapped, _ = synthetic_side_track(SyntheticRunner(noise_px=1.0, seed=1, swap_frames=swaps))
    truth = np.zeros(clean.n_frames, bool)
    for a, b in swaps:
        truth[a:b] = True
    # frames where the legs nearly coincide cannot be told apart and do not matter
    left = clean.image_xy[:, [a for a, _ in L.SWAP_PAIRS]]
    right = clean.image_xy[:, [b for _, b in L.SWAP_PAIRS]]
    apart = np.linalg.norm(left - right, axis=2).mean(axis=1) > 10
    found = detect_leg_swaps(swapped, CONFIG.swap_switch_cost_leg)
    assert np.mean(found[apart] == truth[apart]) > 0.99
    fixed, n = correct_leg_swaps(swapped, CONFIG)
    assert n > 0
    error = np.abs(fixed.image_xy - clean.image_xy)[apart].max()
    assert error < 1e-9
    assert any("swaps" in step for step in fixed.provenance)


def test_no_swaps_invented_on_a_clean_track() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(noise_px=1.5, seed=2))
    assert detect_leg_swaps(track, CONFIG.swap_switch_cost_leg).sum() == 0


def test_short_gaps_are_filled_long_ones_kept() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(dropout_frames=((100, 104), (300, 340))))
    filled, n = fill_gaps(track, CONFIG)
    assert n == 4
    assert filled.detected[100:104].all()
    assert not filled.detected[300:340].any()
    reference, _ = synthetic_side_track(SyntheticRunner())
    # linear interpolation over 67 ms of running stays within a few pixels
    assert np.nanmax(np.abs(filled.image_xy[100:104] - reference.image_xy[100:104])) < 20


def test_lowpass_has_no_lag_and_removes_noise() -> None:
    clean, _ = synthetic_side_track(SyntheticRunner())
    noisy, _ = synthetic_side_track(SyntheticRunner(noise_px=3.0, seed=5))
    smooth = lowpass(noisy, CONFIG)
    raw_error = np.abs(noisy.image_xy - clean.image_xy).mean()
    smooth_error = np.abs(smooth.image_xy - clean.image_xy).mean()
    assert smooth_error < 0.6 * raw_error
    # zero lag: the hip's vertical oscillation keeps its phase
    hip = clean.image_xy[:, L.LEFT_HIP, 1] - clean.image_xy[:, L.LEFT_HIP, 1].mean()
    hip_s = smooth.image_xy[:, L.LEFT_HIP, 1] - smooth.image_xy[:, L.LEFT_HIP, 1].mean()
    lags = range(-5, 6)
    best = max(lags, key=lambda k: float(np.dot(hip[20:-20], np.roll(hip_s, k)[20:-20])))
    assert best == 0


def test_jump_to_another_person_is_dropped() -> None:
    track, _ = synthetic_side_track(SyntheticRunner())
    xy = track.image_xy.copy()
    xy[300:320] = xy[300:320] * 0.5 + 40  # a smaller person elsewhere in the frame
    other = track.with_changes("test: identity jump", image_xy=xy)
    cleaned, dropped = drop_identity_jumps(other, CONFIG)
    assert dropped == 20
    assert not cleaned.detected[300:320].any()
    assert cleaned.detected[:300].all()
