"""Combine the analyses of one run's clips into a session: each metric from the view that
measures it best, early against late per view, and what no clip could measure.

Nothing is measured again here: every value, finding and change comes from a clip's own
analysis (or from `compare_analyses` between two of them), labelled with that clip's id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from formcheck import __version__
from formcheck.advice import advice_book, advise, disclaimer, drift_findings, safety_notes
from formcheck.compare import compare_analyses
from formcheck.config import FindingsConfig
from formcheck.findings import metric_info_of
from formcheck.metrics.registry import REGISTRY
from formcheck.schema import Analysis, CycleAngle, CycleSide, Finding, SideName, Stat
from formcheck.session.schema import (
    SessionAnalysis,
    SessionChange,
    SessionClip,
    SessionCycle,
    SessionGap,
    SessionMetric,
    SourcedStat,
    ViewName,
)
from formcheck.texts import Lang

SIDES: tuple[SideName, SideName] = ("left", "right")


@dataclass(frozen=True)
class ClipResult:
    """One clip of the session: its record and, when it could be analysed, its analysis."""

    clip: SessionClip
    analysis: Analysis | None


def deviation_metrics() -> list[str]:
    """The metrics behind the documents' deviations and the guidance ranges, in registry
    order: what a session tries to cover."""
    in_rules = {m for rule in advice_book().rules for m in rule.metrics}
    return [m for m, d in REGISTRY.items()
            if (m in in_rules or d.guidance is not None)
            and not d.validation_only and not d.needs_height]


def _preference(metric: str, side: SideName, analysis: Analysis, min_strides: int) -> tuple:
    """Sort key (larger = better) of a clip as the source of one side of a metric: a side
    view of that leg's own side first (the leg nearest the camera), then enough strides, then
    more strides, then the surer view."""
    stat: Stat = getattr(analysis.summary[metric], side)
    near = analysis.view == f"side_{side}" or not analysis.view.startswith("side")
    return (near, stat.n >= min_strides, stat.n, analysis.view_confidence)


def analysed(results: list[ClipResult]) -> dict[str, Analysis]:
    """The clips that could be analysed, by id, in session order."""
    return {r.clip.id: r.analysis for r in results if r.analysis is not None}


def choose_sources(analyses: dict[str, Analysis], min_strides: int,
                   ) -> dict[str, SessionMetric]:
    """Per metric and side, the clip that measures it best (see `_preference`)."""
    out: dict[str, SessionMetric] = {}
    for metric in dict.fromkeys(m for a in analyses.values() for m in a.summary):
        definition = REGISTRY.get(metric)
        if definition is None or definition.validation_only:
            continue
        chosen: dict[str, SourcedStat] = {}
        for side in SIDES:
            candidates = [(clip, a) for clip, a in analyses.items() if metric in a.summary
                          and getattr(a.summary[metric], side).n > 0]
            if not candidates:
                continue
            clip, a = max(candidates,
                          key=lambda c: _preference(metric, side, c[1], min_strides))
            chosen[side] = SourcedStat(
                clip=clip, view=a.view, stat=getattr(a.summary[metric], side),
                near_leg=a.view == f"side_{side}" if a.view.startswith("side") else None)
        if chosen:
            out[metric] = SessionMetric(**chosen)
    return out


def choose_cycles(analyses: dict[str, Analysis]) -> dict[str, SessionCycle]:
    """Per gait-cycle angle and side, the curve of the clip with the most usable strides
    (a side view's far leg has none, so each leg's curves come from its own side's view)."""
    out: dict[str, SessionCycle] = {}
    for angle in dict.fromkeys(g for a in analyses.values() for g in a.gait_cycle):
        picked: dict[str, tuple[str, CycleSide]] = {}
        unit = sign = ""
        for side in SIDES:
            candidates = []
            for clip, a in analyses.items():
                cycle = a.gait_cycle.get(angle)
                curve = cycle.side(side) if cycle is not None else None
                if cycle is not None and curve is not None:
                    unit, sign = cycle.unit, cycle.sign
                    candidates.append((not curve.low_confidence, curve.n_cycles, clip, curve))
            if candidates:
                best = max(candidates, key=lambda c: c[:2])
                picked[side] = (best[2], best[3])
        if picked:
            out[angle] = SessionCycle(
                curves=CycleAngle(unit=unit, sign=sign,
                                  left=picked["left"][1] if "left" in picked else None,
                                  right=picked["right"][1] if "right" in picked else None),
                left_clip=picked["left"][0] if "left" in picked else None,
                right_clip=picked["right"][0] if "right" in picked else None)
    return out


def sourced_findings(analyses: dict[str, Analysis], metrics: dict[str, SessionMetric],
                     lang: Lang) -> list[Finding]:
    """Each chosen value's finding from its clip, with the documents' advice in `lang`, and
    each clip's own drift findings for the metrics it is the source of."""
    level: list[Finding] = []
    drifts: list[Finding] = []
    for metric, sources in metrics.items():
        for side in SIDES:
            source = getattr(sources, side)
            if source is None:
                continue
            found = next((f for f in analyses[source.clip].findings if f.kind == "level"
                          and f.metric == metric and f.side == side), None)
            if found is not None:
                bare = found.model_copy(update={"explanation": None, "cue": None, "causes": [],
                                                "drills": [], "sources": []})
                level.append(advise([bare], lang)[0].model_copy(update={"clip": source.clip}))
    for clip_id in dict.fromkeys(s.clip for m in metrics.values() for s in (m.left, m.right)
                                 if s is not None):
        own = {m for m, s in metrics.items() if clip_id in
               {x.clip for x in (s.left, s.right) if x is not None}}
        drift = {m: d for m, d in analyses[clip_id].drift.items() if m in own}
        drifts += [f.model_copy(update={"clip": clip_id}) for f in drift_findings(drift, lang)]
    return level + drifts


def early_late_changes(analyses: dict[str, Analysis], min_strides: int,
                       lang: Lang) -> tuple[list[SessionChange], list[Finding]]:
    """Per view with two or more clips: the first against the last (clips in filming order),
    with `compare_analyses`' statistics, and findings for the changes the documents warn of."""
    changes: list[SessionChange] = []
    findings: list[Finding] = []
    by_view: dict[ViewName, list[str]] = {}
    for clip, a in analyses.items():
        by_view.setdefault(a.view, []).append(clip)
    for view, clips in by_view.items():
        if len(clips) < 2:
            continue
        early, late = clips[0], clips[-1]
        result = compare_analyses(analyses[early], analyses[late], min_strides)
        changes.append(SessionChange(view=view, early_clip=early, late_clip=late,
                                     metrics=result))
        findings += [f.model_copy(update={"clip": late, "compared_with": early})
                     for f in drift_findings(result, lang)]
    return changes, findings


def coverage_gaps(analyses: dict[str, Analysis], metrics: dict[str, SessionMetric],
                  changes: list[SessionChange]) -> list[SessionGap]:
    """The documents' deviations no clip measured (per side), with the views that would, and
    a missing early/late comparison."""
    gaps: list[SessionGap] = []
    for metric in deviation_metrics():
        views = [cast(ViewName, v) for v in REGISTRY[metric].camera_views]
        for side in SIDES:
            sources = metrics.get(metric)
            if sources is not None and getattr(sources, side) is not None:
                continue
            wanted: list[ViewName] = [side_view(side)] \
                if views == ["side_left", "side_right"] else views
            tried = [clip for clip, a in analyses.items() if a.view in wanted]
            gaps.append(SessionGap(kind="metric", metric=metric, side=side,
                                   add_views=wanted, tried=tried))
    within_clip = any(a.drift for a in analyses.values())
    if not changes and not within_clip:
        views = list(dict.fromkeys(a.view for a in analyses.values()))
        gaps.append(SessionGap(kind="change", add_views=views))
    return gaps


def side_view(side: SideName) -> ViewName:
    """The side view in which `side`'s leg is near the camera."""
    return "side_left" if side == "left" else "side_right"


def combine(results: list[ClipResult], lang: Lang = "en",
            config: FindingsConfig | None = None) -> SessionAnalysis:
    """The session of `results` (clips in the order they were filmed)."""
    config = config or FindingsConfig()
    analyses = analysed(results)
    metrics = choose_sources(analyses, config.min_strides)
    # an analysis.json from before `Analysis.metrics` existed: this version's facts
    info = {m: analyses[next(s.clip for s in (v.left, v.right) if s is not None)].metrics.get(m)
            or metric_info_of(m) for m, v in metrics.items()}
    changes, change_findings = early_late_changes(analyses, config.min_strides, lang)
    return SessionAnalysis(
        tool_version=__version__, lang=lang, clips=[r.clip for r in results],
        metrics=metrics, metric_info=info,
        findings=sourced_findings(analyses, metrics, lang) + change_findings,
        changes=changes, gait_cycle=choose_cycles(analyses),
        gaps=coverage_gaps(analyses, metrics, changes),
        disclaimer=disclaimer(lang), safety=safety_notes(lang))
