"""Combine the analyses of one run's clips into a session: each metric from the view that
measures it best, early against late per view, and what no clip could measure.

Nothing is measured again here: every value, finding and change comes from a clip's own
analysis (or from `compare_analyses` between two of them), labelled with that clip's id.
"""

from __future__ import annotations

from dataclasses import dataclass

from formcheck import __version__
from formcheck.advice import advice_book, advise, disclaimer, drift_findings, safety_notes
from formcheck.compare import compare_analyses
from formcheck.config import FindingsConfig
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


def _preference(metric: str, side: str, item: ClipResult) -> tuple:
    """Sort key (larger = better) of a clip as the source of one side of a metric: a side
    view of that leg's own side first (the leg nearest the camera), then enough strides, then
    more strides, then the surer view."""
    analysis = item.analysis
    assert analysis is not None
    stat: Stat = getattr(analysis.summary[metric], side)
    near = analysis.view == f"side_{side}" or not analysis.view.startswith("side")
    enough = stat.n >= FindingsConfig().min_strides
    return (near, enough, stat.n, analysis.view_confidence)


def choose_sources(results: list[ClipResult]) -> dict[str, SessionMetric]:
    """Per metric and side, the clip that measures it best (see `_preference`)."""
    analysed = [r for r in results if r.analysis is not None]
    out: dict[str, SessionMetric] = {}
    metrics = dict.fromkeys(m for r in analysed for m in r.analysis.summary)  # type: ignore[union-attr]
    for metric in metrics:
        definition = REGISTRY.get(metric)
        if definition is None or definition.validation_only:
            continue
        chosen: dict[str, SourcedStat] = {}
        for side in SIDES:
            candidates = [r for r in analysed if metric in r.analysis.summary  # type: ignore[union-attr]
                          and getattr(r.analysis.summary[metric], side).n > 0]  # type: ignore[union-attr]
            if not candidates:
                continue
            best = max(candidates, key=lambda r: _preference(metric, side, r))
            a = best.analysis
            assert a is not None
            chosen[side] = SourcedStat(
                clip=best.clip.id, view=a.view, stat=getattr(a.summary[metric], side),
                near_leg=a.view == f"side_{side}" if a.view.startswith("side") else None)
        if chosen:
            out[metric] = SessionMetric(**chosen)
    return out


def choose_cycles(results: list[ClipResult]) -> dict[str, SessionCycle]:
    """Per gait-cycle angle and side, the curve of the clip with the most usable strides
    (a side view's far leg has none, so each leg's curves come from its own side's view)."""
    analysed = [r for r in results if r.analysis is not None]
    out: dict[str, SessionCycle] = {}
    angles = dict.fromkeys(a for r in analysed for a in r.analysis.gait_cycle)  # type: ignore[union-attr]
    for angle in angles:
        picked: dict[str, tuple[str, CycleSide]] = {}
        unit = sign = ""
        for side in SIDES:
            candidates = []
            for r in analysed:
                cycle = r.analysis.gait_cycle.get(angle)  # type: ignore[union-attr]
                curve = cycle.side(side) if cycle is not None else None
                if cycle is not None and curve is not None:
                    unit, sign = cycle.unit, cycle.sign
                    candidates.append((not curve.low_confidence, curve.n_cycles, r.clip.id,
                                       curve))
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


def _by_id(results: list[ClipResult]) -> dict[str, Analysis]:
    return {r.clip.id: r.analysis for r in results if r.analysis is not None}


def sourced_findings(results: list[ClipResult], metrics: dict[str, SessionMetric],
                     lang: Lang) -> list[Finding]:
    """Each chosen value's finding from its clip, with the documents' advice in `lang`, and
    each clip's own drift findings for the metrics it is the source of."""
    analyses = _by_id(results)
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


def early_late_changes(results: list[ClipResult], min_strides: int,
                       lang: Lang) -> tuple[list[SessionChange], list[Finding]]:
    """Per view with two or more clips: the first against the last (clips in filming order),
    with `compare_analyses`' statistics, and findings for the changes the documents warn of."""
    changes: list[SessionChange] = []
    findings: list[Finding] = []
    by_view: dict[str, list[ClipResult]] = {}
    for r in results:
        if r.analysis is not None:
            by_view.setdefault(r.analysis.view, []).append(r)
    for view, clips in by_view.items():
        if len(clips) < 2:
            continue
        early, late = clips[0], clips[-1]
        assert early.analysis is not None and late.analysis is not None
        result = compare_analyses(early.analysis, late.analysis, min_strides)
        changes.append(SessionChange(view=view, early_clip=early.clip.id,  # type: ignore[arg-type]
                                     late_clip=late.clip.id, metrics=result))
        findings += [f.model_copy(update={"clip": late.clip.id,
                                          "compared_with": early.clip.id})
                     for f in drift_findings(result, lang)]
    return changes, findings


def coverage_gaps(results: list[ClipResult], metrics: dict[str, SessionMetric],
                  changes: list[SessionChange]) -> list[SessionGap]:
    """The documents' deviations no clip measured (per side), with the views that would, and
    a missing early/late comparison."""
    gaps: list[SessionGap] = []
    analysed = [r for r in results if r.analysis is not None]
    for metric in deviation_metrics():
        views = list(REGISTRY[metric].camera_views)
        for side in SIDES:
            sources = metrics.get(metric)
            if sources is not None and getattr(sources, side) is not None:
                continue
            wanted = [f"side_{side}"] if views == ["side_left", "side_right"] else views
            tried = [r.clip.id for r in analysed
                     if r.analysis is not None and r.analysis.view in wanted]
            gaps.append(SessionGap(kind="metric", metric=metric, side=side,
                                   add_views=wanted, tried=tried))  # type: ignore[arg-type]
    within_clip = any(r.analysis is not None and r.analysis.drift for r in analysed)
    if not changes and not within_clip:
        views = list(dict.fromkeys(r.analysis.view for r in analysed
                                   if r.analysis is not None))
        gaps.append(SessionGap(kind="change", add_views=views))  # type: ignore[arg-type]
    return gaps


def combine(results: list[ClipResult], lang: Lang = "en",
            config: FindingsConfig | None = None) -> SessionAnalysis:
    """The session of `results` (clips in the order they were filmed)."""
    config = config or FindingsConfig()
    metrics = choose_sources(results)
    analyses = _by_id(results)
    info = {m: analyses[next(s.clip for s in (v.left, v.right) if s is not None)].metrics[m]
            for m, v in metrics.items()}
    changes, change_findings = early_late_changes(results, config.min_strides, lang)
    return SessionAnalysis(
        tool_version=__version__, lang=lang, clips=[r.clip for r in results],
        metrics=metrics, metric_info=info,
        findings=sourced_findings(results, metrics, lang) + change_findings,
        changes=changes, gait_cycle=choose_cycles(results),
        gaps=coverage_gaps(results, metrics, changes),
        disclaimer=disclaimer(lang), safety=safety_notes(lang))
