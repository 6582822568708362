"""Findings: each metric's summary against its guidance range → ok / watch / flag.

Causes and drills are attached by the advice stage from the documents' rules.
"""

from __future__ import annotations

import numpy as np

from formcheck.config import FindingsConfig
from formcheck.landmarks import LEG, Side
from formcheck.metrics.registry import REGISTRY, Guidance
from formcheck.schema import Asymmetry, Finding, MetricSummary, Severity
from formcheck.track import PoseTrack


def leg_visibility(track: PoseTrack) -> dict[str, float]:
    """Mean MediaPipe visibility of each leg's landmarks over frames with a pose (feeds each
    finding's confidence)."""
    ok = track.detected
    return {foot.value: float(np.mean(track.visibility[ok][:, list(LEG[foot])]))
            if ok.any() else 0.0 for foot in Side}


def guidance_text(g: Guidance, unit: str) -> str:
    if g.ok_min is not None and g.ok_max is not None:
        span = f"{g.ok_min:g}–{g.ok_max:g} {unit}"
    elif g.ok_max is not None:
        span = f"≤ {g.ok_max:g} {unit}"
    else:
        span = f"≥ {g.ok_min:g} {unit}"
    return f"{span} (guidance: {g.source})"


def median_precision(iqr: float | None, n: int) -> float | None:
    """± half-width (95 %) of a median from the strides' spread: SD ≈ IQR / 1.349 and the
    median's standard error ≈ 1.253 · SD / √n. On a steady runner that spread is mostly
    measurement noise, so this is how precisely the clip pins the value down."""
    if iqr is None or n < 2:
        return None
    return 1.96 * 1.253 * (iqr / 1.349) / float(n) ** 0.5


def near_boundary(value: float, precision: float | None, g: Guidance) -> bool:
    """True when a guidance boundary lies within ± precision of the value."""
    if precision is None or precision <= 0:
        return False
    bounds = [b for b in (g.ok_min, g.ok_max, g.watch_max) if b is not None]
    return any(abs(value - b) < precision for b in bounds)


def severity(value: float, g: Guidance) -> Severity:
    if g.ok_max is not None and value > g.ok_max:
        return "watch" if g.watch_max is not None and value <= g.watch_max else "flag"
    if g.ok_min is not None and value < g.ok_min:
        return "watch"
    return "ok"


def confidence(n_strides: int, visibility: float, view_confidence: float,
               min_strides: int | None = None) -> float:
    """0–1: strides used (saturating at `FindingsConfig.min_strides`), landmark visibility,
    and how sure the view is."""
    min_strides = FindingsConfig().min_strides if min_strides is None else min_strides
    return round(min(1.0, n_strides / min_strides) * visibility * view_confidence, 2)


def assess(summary: dict[str, MetricSummary], visibility: dict[str, float] | None = None,
           view_confidence: float = 1.0, config: FindingsConfig | None = None,
           ) -> list[Finding]:
    """`visibility`: mean MediaPipe visibility of each side's leg landmarks (0–1)."""
    config = config or FindingsConfig()
    visibility = visibility or {}
    findings = []
    for metric_id, per_side in summary.items():
        definition = REGISTRY[metric_id]
        if definition.guidance is None:
            continue
        for side in ("left", "right"):
            stat = getattr(per_side, side)
            if stat.median is None:
                continue
            value = round(stat.median, 2)  # judge the value the runner is shown
            precision = median_precision(stat.iqr, stat.n)
            findings.append(Finding(
                precision=None if precision is None else round(precision, 2),
                borderline=near_boundary(value, precision, definition.guidance),
                metric=metric_id, side=side, value=value,
                unit=definition.unit, severity=severity(value, definition.guidance),
                guidance=guidance_text(definition.guidance, definition.unit),
                n_strides=stat.n,
                confidence=confidence(stat.n, visibility.get(side, 1.0), view_confidence,
                                      config.min_strides)))
    return findings


def asymmetry(summary: dict[str, MetricSummary], config: FindingsConfig | None = None,
              ) -> dict[str, Asymmetry]:
    """Left − right median per metric; notable when the gap exceeds the metric's SDD."""
    config = config or FindingsConfig()
    out: dict[str, Asymmetry] = {}
    for metric_id, per_side in summary.items():
        definition = REGISTRY[metric_id]
        left, right = per_side.left, per_side.right
        if left.median is None or right.median is None or definition.validation_only:
            continue
        gap = left.median - right.median
        notable = definition.sdd is not None and abs(gap) > definition.sdd and \
            min(left.n, right.n) >= config.min_strides
        out[metric_id] = Asymmetry(left=round(left.median, 3), right=round(right.median, 3),
                                   difference=round(gap, 3), notable=bool(notable))
    return out
