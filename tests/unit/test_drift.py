"""Drift statistics on synthetic per-stride series.

Series: 80 strides over 60 s with Gaussian stride-to-stride noise whose SD equals the SDD
(2D-video metrics vary about that much from stride to stride).
"""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.drift import compute_drift

SDD = 2.8  # pelvic drop, Dingenen 2018
N, DURATION_S = 80, 60.0


def _series(seed: int, total_drift: float) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    t = np.linspace(0, DURATION_S, N)
    return t, 5.0 + total_drift * t / DURATION_S + rng.normal(0, SDD, N)


def test_injected_drift_of_twice_the_sdd_is_detected() -> None:
    """With windows of 20 strides the expected change is 1.5 SDD (window centres at 12.5 %
    and 87.5 % of the run): it should be found in the large majority of runs."""
    found = [compute_drift(*_series(seed, 2 * SDD), SDD, seed=seed).flagged
             for seed in range(200)]
    assert np.mean(found) >= 0.8


def test_no_false_drift_on_a_steady_series() -> None:
    flagged = [compute_drift(*_series(seed, 0.0), SDD, seed=seed).flagged
               for seed in range(200)]
    assert np.mean(flagged) <= 0.01


def test_values_of_a_clean_linear_drift() -> None:
    t = np.linspace(0, 120, 100)
    values = 2.0 + 3.0 * t / 60  # 3 units per minute
    result = compute_drift(t, values, sdd=1.0)
    assert result.slope_per_min == pytest.approx(3.0, rel=1e-6)
    assert result.flagged and result.change > 0
    assert result.ci95[0] <= result.change <= result.ci95[1]
    assert result.n_early == result.n_late == 25


def test_too_few_strides_gives_no_drift() -> None:
    assert compute_drift(np.arange(10.0), np.arange(10.0), 1.0) is None


def test_nan_strides_are_ignored() -> None:
    t, v = _series(1, 2 * SDD)
    v[::5] = np.nan
    assert compute_drift(t, v, SDD) is not None
