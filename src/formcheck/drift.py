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

from formcheck import schema
from formcheck.config import FindingsConfig
from formcheck.metrics.compute import StrideResult
from formcheck.metrics.registry import REGISTRY
from formcheck.quality import Level, QualityReport
from formcheck.schema import rounded

# Window size and the shortest span worth a drift, with their reasons, are in
# `config.FindingsConfig` ([findings]: drift_window_fraction, min_strides, min_drift_span_s).


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
                  seed: int = 0, config: FindingsConfig | None = None) -> DriftResult | None:
    """Drift of one per-stride series; None when there are too few strides for two windows."""
    config = config or FindingsConfig()
    time_s, values = np.asarray(time_s, float), np.asarray(values, float)
    ok = np.isfinite(time_s) & np.isfinite(values)
    time_s, values = time_s[ok], values[ok]
    order = np.argsort(time_s)
    time_s, values = time_s[order], values[order]
    n = len(values)
    size = max(config.min_strides, int(np.ceil(config.drift_window_fraction * n)))
    if n < 2 * size:
        return None
    early, late = values[:size], values[-size:]
    change, ci, flagged = compare_windows(early, late, sdd, seed)
    slope = float(theilslopes(values, time_s / 60.0).slope)
    return DriftResult(float(np.median(early)), float(np.median(late)), change, ci, slope,
                       flagged, size, size)


def drift_of(strides: list[StrideResult], metric_ids: list[str],
             report: QualityReport | None = None,
             config: FindingsConfig | None = None) -> dict[str, schema.Drift]:
    """Early-vs-late drift per metric, both feet pooled in time order.

    Within-clip drift is only presented for clips long enough for a runner to tire (see
    `FindingsConfig.min_drift_span_s`); shorter clips get a note pointing to `formcheck compare`.
    """
    config = config or FindingsConfig()
    out: dict[str, schema.Drift] = {}
    span = (strides[-1].ic_time_s - strides[0].ic_time_s) if len(strides) > 1 else 0.0
    min_span = config.min_drift_span_s
    if span < min_span:
        if report is not None:
            report.add("drift_short", Level.INFO, span_s=span, min_s=min_span)
        return out
    times = np.array([s.ic_time_s for s in strides])
    for metric_id in metric_ids:
        definition = REGISTRY[metric_id]
        if definition.validation_only:
            continue
        values = np.array([np.nan if s.metrics.get(metric_id) is None
                           else s.metrics[metric_id] for s in strides], dtype=float)
        result = compute_drift(times, values, definition.sdd, config=config)
        if result is None:
            continue
        out[metric_id] = schema.Drift(
            early=rounded(result.early), late=rounded(result.late),
            change=rounded(result.change),
            ci95=(round(result.ci95[0], 3), round(result.ci95[1], 3)),
            slope_per_min=rounded(result.slope_per_min), flagged=result.flagged,
            n_early=result.n_early, n_late=result.n_late)
    return out
