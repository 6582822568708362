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


def assess(summary: dict[str, dict[str, Stat]]) -> list[Finding]:
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
                guidance=guidance_text(definition.guidance, definition.unit)))
    return findings
