"""session.html: one self-contained page for the clips of one run."""

from __future__ import annotations

from collections.abc import Sequence

from formcheck.findings import finding_guidance, finding_headline, guidance_of, guidance_span
from formcheck.report.templates import template
from formcheck.schema import Finding
from formcheck.session.combine import SIDES
from formcheck.session.schema import SessionAnalysis, SessionGap, SourcedStat
from formcheck.texts import (
    Lang,
    metric_label,
    severity_text,
    side_text,
    ui_text,
    ui_texts,
    unit_text,
    view_text,
)


def views_phrase(views: Sequence[str], lang: Lang) -> str:
    """"from behind or from the front" in the reader's language."""
    if not views:
        return ui_text("session_gap_change_any", lang)
    return ui_text("or", lang).join(ui_text(f"view_phrase:{v}", lang) for v in views)


def _sides_phrase(sides: list[str], lang: Lang) -> str:
    return ui_text("and", lang).join(side_text(s, lang) for s in sides)


def gap_sentences(gaps: list[SessionGap], lang: Lang) -> list[str]:
    """One sentence per missing metric (both sides together when both are missing)."""
    sentences = []
    grouped: dict[tuple, list[str]] = {}
    for gap in gaps:
        if gap.kind == "metric" and gap.metric is not None:
            key = (gap.metric, tuple(gap.tried),
                   tuple(gap.add_views) if len(gap.add_views) > 1 else ())
            grouped.setdefault(key, []).append(gap.side)
    for (metric, tried, _), sides in grouped.items():
        views: list[str] = next(list(g.add_views) for g in gaps
                                if g.metric == metric and g.side == sides[0])
        if len(sides) > 1 and views[0].startswith("side"):
            views = [f"side_{s}" for s in sides]
        params = {"metric": metric_label(metric, lang, short=False),
                  "sides": _sides_phrase(sides, lang), "views": views_phrase(views, lang),
                  "tried": ui_text("and", lang).join(tried)}
        template_key = "session_gap_tried" if tried else "session_gap_metric"
        sentences.append(ui_text(template_key, lang).format(**params))
    for gap in gaps:
        if gap.kind == "change":
            sentences.append(ui_text("session_gap_change", lang).format(
                views=views_phrase(gap.add_views, lang)))
    return sentences


def _cell(source: SourcedStat | None, severity: str, lang: Lang) -> dict:
    if source is None or source.stat.median is None:
        return {"value": "–", "source": "", "sev": ""}
    far = f" · {ui_text('session_far_leg', lang)}" if source.near_leg is False else ""
    return {"value": f"{source.stat.median:.1f}", "sev": severity,
            "source": ui_text("session_from", lang).format(
                clip=source.clip, view=view_text(source.view, lang)) + far}


def _rows(session: SessionAnalysis, lang: Lang) -> list[dict]:
    severity = {(f.metric, f.side): f.severity for f in session.findings if f.kind == "level"}
    rows = []
    for metric, sources in session.metrics.items():
        info = session.metric_info[metric]
        g = guidance_of(info)
        row: dict[str, object] = {
            "label": metric_label(metric, lang, short=False), "unit": unit_text(info.unit, lang),
            "guidance": "" if g is None else guidance_span(g, info.unit, lang)}
        for side in SIDES:
            row[side] = _cell(getattr(sources, side), severity.get((metric, side), ""), lang)
        rows.append(row)
    return rows


def source_tag(f: Finding, session: SessionAnalysis, lang: Lang) -> str:
    """"clip 1 · side_left" (and "far leg" when the side view saw that leg through the
    body), or "clip 1 → clip 3 · side_left" for a change between two clips."""
    views = {c.id: c.view for c in session.clips}
    view = view_text(views.get(f.clip or "") or "", lang)
    if f.compared_with is not None:
        return ui_text("session_change_from", lang).format(early=f.compared_with, late=f.clip,
                                                           view=view)
    if not f.clip:
        return ""
    sources = session.metrics.get(f.metric)
    source = getattr(sources, f.side, None) if sources is not None and f.side != "both" \
        else None
    far = f" · {ui_text('session_far_leg', lang)}" if source is not None and \
        source.clip == f.clip and source.near_leg is False else ""
    return ui_text("session_from", lang).format(clip=f.clip, view=view) + far


SEVERITY_RANK = {"ok": 0, "watch": 1, "flag": 2}


def finding_groups(findings: list[Finding], session: SessionAnalysis, lang: Lang,
                   ) -> list[dict]:
    """Findings outside their range, one group per deviation of the documents (its rule),
    so each deviation's causes and drills are said once; the worst first."""
    groups: dict[str, dict] = {}
    for f in findings:
        group = groups.setdefault(f.rule or f.metric, {"entries": [], "severity": "ok"})
        group["entries"].append({"finding": f, "headline": finding_headline(f, lang, False),
                               "guidance": finding_guidance(f, lang),
                               "source": source_tag(f, session, lang)})
        if SEVERITY_RANK[f.severity] > SEVERITY_RANK[group["severity"]]:
            group["severity"] = f.severity
    return sorted(groups.values(), key=lambda g: -SEVERITY_RANK[g["severity"]])


def _cycles(session: SessionAnalysis, lang: Lang) -> list[dict]:
    """The session's gait-cycle plots, each side's curve labelled with its clip."""
    from formcheck.metrics.gait_cycle import SIDE_CYCLE_ANGLES
    from formcheck.report.plots import cycle_svg

    t = ui_texts(lang)
    side_angles = {a.id for a in SIDE_CYCLE_ANGLES}
    out = []
    for angle, cycle in session.gait_cycle.items():
        clips = {"left": cycle.left_clip, "right": cycle.right_clip}
        sources = {side: ui_text("session_clip", lang) + f" {clip}"
                   for side, clip in clips.items() if clip is not None}
        lines = [t[f"cycle_{angle}_sign"]]
        for side in SIDES:
            curve = cycle.curves.side(side)
            if curve is not None and curve.stance_pct is not None:
                lines.append(t["cycle_toe_off"].format(
                    side=side_text(side, lang), pct=curve.stance_pct,
                    sd=curve.stance_pct_sd or 0.0, n=curve.n_cycles) + f" · {sources[side]}")
            elif curve is None:
                views = [f"side_{side}"] if angle in side_angles else ["rear", "front"]
                lines.append(t["session_cycle_missing"].format(
                    side=side_text(side, lang), views=views_phrase(views, lang)))
        out.append({"svg": cycle_svg(cycle.curves, angle, lang, sources), "lines": lines,
                    "title": t[f"cycle_{angle}"]})
    return out


def render_session(session: SessionAnalysis) -> str:
    """The session report's HTML (links to each clip's own report in its folder)."""
    lang = session.lang
    changes = [{"title": ui_text("session_change_from", lang).format(
        early=c.early_clip, late=c.late_clip, view=view_text(c.view, lang)),
        "rows": [{"label": metric_label(m, lang, short=False), "early": d.early, "late": d.late,
                  "change": d.change, "ci": d.ci95, "flagged": d.flagged,
                  "n": f"{d.n_early}/{d.n_late}",
                  "unit": unit_text(session.metric_info[m].unit, lang)
                  if m in session.metric_info else ""}
                 for m, d in c.metrics.items()]} for c in session.changes]
    notable = [f for f in session.findings if f.severity != "ok" and f.kind == "level"]
    return template("session.html.j2").render(
        s=session, t=ui_texts(lang), lang=lang, rows=_rows(session, lang),
        groups=finding_groups(notable, session, lang),
        drifts=[f for f in session.findings if f.kind == "drift"],
        changes=changes, gaps=gap_sentences(session.gaps, lang), cycles=_cycles(session, lang),
        view=lambda v: view_text(v, lang) if v else "–",
        source=lambda f: source_tag(f, session, lang),
        sev=lambda s: severity_text(s, lang), unit=lambda u: unit_text(u, lang))

