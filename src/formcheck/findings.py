"""Findings: each metric's summary against its guidance range → ok / watch / flag.

Causes and drills are attached by the advice stage from the documents' rules.
"""

from __future__ import annotations

from formcheck.metrics.compute import Stat
from formcheck.metrics.registry import REGISTRY, Guidance
from formcheck.schema import Finding


def guidance_text(g: Guidance, unit: str) -> str:
    if g.ok_min is not None and g.ok_max is not None:
        span = f"{g.ok_min:g}–{g.ok_max:g} {unit}"
    elif g.ok_max is not None:
        span = f"≤ {g.ok_max:g} {unit}"
    else:
        span = f"≥ {g.ok_min:g} {unit}"
    return f"{span} (guidance: {g.source})"


def severity(value: float, g: Guidance) -> str:
    if g.ok_max is not None and value > g.ok_max:
        return "watch" if g.watch_max is not None and value <= g.watch_max else "flag"
    if g.ok_min is not None and value < g.ok_min:
        return "watch"
    return "ok"


MIN_STRIDES = 7  # Dingenen 2018: medians of at least 7 strides


def confidence(n_strides: int, visibility: float, view_confidence: float) -> float:
    """0–1: strides used (saturating at 7), landmark visibility, and how sure the view is."""
    return round(min(1.0, n_strides / MIN_STRIDES) * visibility * view_confidence, 2)


def assess(summary: dict[str, dict[str, Stat]], visibility: dict[str, float] | None = None,
           view_confidence: float = 1.0) -> list[Finding]:
    """`visibility`: mean MediaPipe visibility of each side's leg landmarks (0–1)."""
    visibility = visibility or {}
    findings = []
    for metric_id, per_side in summary.items():
        definition = REGISTRY[metric_id]
        if definition.guidance is None:
            continue
        for side in ("left", "right"):
            stat = per_side[side]
            if stat.median is None:
                continue
            value = round(stat.median, 2)  # judge the value the runner is shown
            findings.append(Finding(
                metric=metric_id, side=side, value=value,
                unit=definition.unit, severity=severity(value, definition.guidance),
                guidance=guidance_text(definition.guidance, definition.unit),
                n_strides=stat.n,
                confidence=confidence(stat.n, visibility.get(side, 1.0), view_confidence)))
    return findings


def asymmetry(summary: dict[str, dict[str, Stat]]) -> dict[str, dict[str, float | bool]]:
    """Left − right median per metric; notable when the gap exceeds the metric's SDD."""
    out: dict[str, dict[str, float | bool]] = {}
    for metric_id, per_side in summary.items():
        definition = REGISTRY[metric_id]
        left, right = per_side["left"], per_side["right"]
        if left.median is None or right.median is None or definition.validation_only:
            continue
        gap = left.median - right.median
        notable = definition.sdd is not None and abs(gap) > definition.sdd and \
            min(left.n, right.n) >= MIN_STRIDES
        out[metric_id] = {"left": round(left.median, 3), "right": round(right.median, 3),
                          "difference": round(gap, 3), "notable": bool(notable)}
    return out
