"""Findings: each metric's summary against its guidance range → ok / watch / flag.

Causes and drills are attached by the advice stage from the documents' rules.
"""

from __future__ import annotations

from formcheck.metrics.compute import Stat
from formcheck.metrics.registry import REGISTRY, Guidance
from formcheck.schema import Finding
from formcheck.texts import (
    Lang,
    metric_label,
    severity_text,
    side_text,
    ui_text,
    unit_text,
    value_text,
)


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
            precision = median_precision(stat.iqr, stat.n)
            findings.append(Finding(
                precision=None if precision is None else round(precision, 2),
                borderline=near_boundary(value, precision, definition.guidance),
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
