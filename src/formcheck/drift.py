"""Drift late in the run (README, "Drift, findings and advice"): early vs late window of a
per-stride series.

The change is the difference of the window medians with a bootstrap 95 % confidence interval
(scipy.stats.bootstrap, two independent samples); the trend is a Theil–Sen slope per minute.
A drift is flagged only when the change exceeds the metric's smallest detectable difference
(SDD, Dingenen 2018) **and** its interval excludes zero: measurement noise alone must not
raise a flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import bootstrap, theilslopes

WINDOW_FRACTION = 0.25  # first and last quarter of the strides
MIN_WINDOW = 7  # strides per window (Dingenen 2018: medians of >= 7 strides)
# Within one clip, drift is only meaningful when the early and late windows are far enough
# apart for a runner to tire. Below a minute the two windows of a steady runner differ only by
# measurement noise (on the 12-s GaitLab clip the early/late change of every metric is within
# its stride-to-stride spread), and fatigue-related changes build over minutes of running.
MIN_DRIFT_SPAN_S = 60.0


@dataclass(frozen=True)
class DriftResult:
    early: float
    late: float
    change: float
    ci95: tuple[float, float]
    slope_per_min: float
    flagged: bool
    n_early: int
    n_late: int


def _median_difference(late: np.ndarray, early: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.median(late, axis=axis) - np.median(early, axis=axis)


def compare_windows(early: np.ndarray, late: np.ndarray, sdd: float | None,
                    seed: int = 0) -> tuple[float, tuple[float, float], bool]:
    """Median change late − early, its bootstrap 95 % CI, and whether it is a real drift."""
    change = float(np.median(late) - np.median(early))
    result = bootstrap((late, early), _median_difference, n_resamples=2000,
                       confidence_level=0.95, method="percentile", vectorized=True,
                       random_state=np.random.default_rng(seed))
    lo, hi = float(result.confidence_interval.low), float(result.confidence_interval.high)
    excludes_zero = lo > 0 or hi < 0
    big_enough = sdd is None or abs(change) > sdd
    return change, (lo, hi), bool(excludes_zero and big_enough)


def compute_drift(time_s: np.ndarray, values: np.ndarray, sdd: float | None,
                  seed: int = 0) -> DriftResult | None:
    """Drift of one per-stride series; None when there are too few strides for two windows."""
    time_s, values = np.asarray(time_s, float), np.asarray(values, float)
    ok = np.isfinite(time_s) & np.isfinite(values)
    time_s, values = time_s[ok], values[ok]
    order = np.argsort(time_s)
    time_s, values = time_s[order], values[order]
    n = len(values)
    size = max(MIN_WINDOW, int(np.ceil(WINDOW_FRACTION * n)))
    if n < 2 * size:
        return None
    early, late = values[:size], values[-size:]
    change, ci, flagged = compare_windows(early, late, sdd, seed)
    slope = float(theilslopes(values, time_s / 60.0).slope)
    return DriftResult(float(np.median(early)), float(np.median(late)), change, ci, slope,
                       flagged, size, size)
