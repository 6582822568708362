"""Compare two clips of one run (e.g. km 5 and km 35): the same statistics as drift, with
each clip's strides as a window."""

from __future__ import annotations

import numpy as np

from formcheck.config import FindingsConfig
from formcheck.drift import compare_windows
from formcheck.metrics.registry import REGISTRY
from formcheck.schema import Analysis, Drift


def stride_values(analysis: Analysis, metric: str) -> np.ndarray:
    return np.array([s.metrics[metric] for s in analysis.strides
                     if s.metrics.get(metric) is not None], dtype=float)


def compare_analyses(early: Analysis, late: Analysis, min_strides: int | None = None,
                     ) -> dict[str, Drift]:
    """Per metric measured in both clips: median change late − early, 95 % CI, flag.
    `min_strides` per clip defaults to `FindingsConfig.min_strides`."""
    min_strides = FindingsConfig().min_strides if min_strides is None else min_strides
    out = {}
    for metric in early.summary:
        info = late.metrics.get(metric) or early.metrics.get(metric)
        if metric not in late.summary or info is None or info.validation_only:
            continue
        a, b = stride_values(early, metric), stride_values(late, metric)
        if len(a) < min_strides or len(b) < min_strides:
            continue
        change, ci, flagged = compare_windows(a, b, info.sdd or _registry_sdd(metric))
        out[metric] = Drift(early=round(float(np.median(a)), 3),
                            late=round(float(np.median(b)), 3), change=round(change, 3),
                            ci95=(round(ci[0], 3), round(ci[1], 3)), slope_per_min=None,
                            flagged=flagged, n_early=len(a), n_late=len(b))
    return out


def _registry_sdd(metric: str) -> float | None:
    """An analysis.json written before `MetricInfo.sdd` existed: this version's value."""
    definition = REGISTRY.get(metric)
    return definition.sdd if definition is not None else None
