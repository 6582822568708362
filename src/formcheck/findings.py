"""Findings: each metric's summary against its guidance range → ok / watch / flag.

Causes and drills are attached by the advice stage from the documents' rules.
"""

from __future__ import annotations

import numpy as np

from formcheck.config import FindingsConfig
from formcheck.landmarks import LEG, Side
from formcheck.metrics.registry import REGISTRY, Guidance
from formcheck.schema import Asymmetry, Finding, MetricInfo, MetricSummary, Severity
from formcheck.texts import (
    Lang,
    metric_label,
    severity_text,
    side_text,
    ui_text,
    unit_text,
    value_text,
)
from formcheck.track import PoseTrack


def guidance_of(info: MetricInfo) -> Guidance | None:
    """The guidance range an analysis recorded for a metric (None if it has none), so
    renderers need only the Analysis."""
    if info.ok_min is None and info.ok_max is None:
        return None
    return Guidance(info.ok_min, info.ok_max, info.watch_max, info.source or "")


def metric_info_of(metric_id: str) -> MetricInfo:
    """What an analysis records about a metric, from this version's registry."""
    d = REGISTRY[metric_id]
    g = d.guidance
    return MetricInfo(
        unit=d.unit, sign=d.sign, validation_only=d.validation_only,
        guidance=guidance_text(g, d.unit) if g else None,
        ok_min=g.ok_min if g else None, ok_max=g.ok_max if g else None,
        watch_max=g.watch_max if g else None, source=g.source if g else None, sdd=d.sdd)


def leg_visibility(track: PoseTrack) -> dict[str, float]:
    """Mean MediaPipe visibility of each leg's landmarks over frames with a pose (feeds each
    finding's confidence)."""
    ok = track.detected
    return {foot.value: float(np.mean(track.visibility[ok][:, list(LEG[foot])]))
            if ok.any() else 0.0 for foot in Side}


def guidance_span(g: Guidance, unit: str, lang: Lang = "en") -> str:
    """The range alone: "8–15 % leg length", "≤ 6 deg" (units in the reader's language)."""
    u = unit_text(unit, lang)
    if g.ok_min is not None and g.ok_max is not None:
        return ui_text("range_both", lang).format(lo=f"{g.ok_min:g}", hi=f"{g.ok_max:g}", unit=u)
    if g.ok_max is not None:
        return ui_text("range_max", lang).format(hi=f"{g.ok_max:g}", unit=u)
    return ui_text("range_min", lang).format(lo=f"{g.ok_min:g}", unit=u)


def guidance_source(g: Guidance, lang: Lang = "en") -> str:
    """The range's citations: studies by name, "document 003" for a source document."""
    parts = []
    for cite in g.source.split("; "):
        if cite.startswith("document "):
            parts.append(ui_text("cite_document", lang).format(n=cite.removeprefix("document ")))
        elif cite == "coaching_rule":
            parts.append(ui_text("cite_coaching_rule", lang))
        else:
            parts.append(cite)
    return ", ".join(parts) if lang == "en" else "、".join(parts)


def guidance_text(g: Guidance, unit: str, lang: Lang = "en") -> str:
    """Range and citations: "≤ 8 % leg length (guidance: Souza 2016)"."""
    return ui_text("guidance_cited", lang).format(span=guidance_span(g, unit, lang),
                                                  source=guidance_source(g, lang))


def finding_guidance(f: Finding, lang: Lang = "en") -> str:
    """A finding's guidance range and citations in `lang` (drift findings carry theirs)."""
    guidance = REGISTRY[f.metric].guidance if f.metric in REGISTRY else None
    if f.kind != "level" or guidance is None:
        return f.guidance
    return guidance_text(guidance, f.unit, lang)


def finding_headline(f: Finding, lang: Lang = "en", with_severity: bool = True) -> str:
    """"Overstride (right): 12.3 % leg length — watch" in the reader's language."""
    side = "" if f.side == "both" else \
        ui_text("side_paren", lang).format(side=side_text(f.side, lang))
    return (f"{metric_label(f.metric, lang, short=False)}{side}: "
            f"{value_text(f.value, f.unit, lang)}"
            + (f" — {severity_text(f.severity, lang)}" if with_severity else ""))


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
           frame_ms: float | None = None) -> list[Finding]:
    """`visibility`: mean MediaPipe visibility of each side's leg landmarks (0–1).

    `frame_ms`: the clip's frame interval. Times measured between frames (contact, flight) are
    whole frames, so a median is never known better than half a frame, however alike the
    strides are: that floor is added to their precision.
    """
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
            if precision is not None and frame_ms and definition.unit == "ms":
                precision = max(precision, 0.5 * frame_ms)
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
