"""report.html: one self-contained file (inline SVG plots, inline JPEG key frames, no network)."""

from __future__ import annotations

from pathlib import Path

from formcheck.errors import FormcheckError
from formcheck.findings import (
    finding_guidance,
    finding_headline,
    guidance_of,
    guidance_span,
)
from formcheck.plausibility import nothing_text_key
from formcheck.report.frames import draw_key_frame, read_frames
from formcheck.report.order import metric_order
from formcheck.report.plots import plot_cycle_svg, plot_metric_svg
from formcheck.report.templates import template
from formcheck.schema import Analysis
from formcheck.texts import (
    Lang,
    metric_label,
    severity_text,
    side_text,
    ui_texts,
    unit_text,
    view_text,
)

MAX_PLOTS = 8


def _rows(analysis: Analysis, lang: Lang) -> list[dict]:
    severity = {(f.metric, f.side): f.severity for f in analysis.findings if f.kind == "level"}
    rows = []
    for metric, s in analysis.summary.items():
        info = analysis.metrics.get(metric)
        if info is None or info.validation_only:
            continue
        drift = analysis.drift.get(metric)
        asym = analysis.asymmetry.get(metric)
        rows.append({
            "asym": "–" if asym is None else
            f"{asym.difference:+.1f}{' ⚑' if asym.notable else ''}",
            "label": metric_label(metric, lang, short=False), "unit": unit_text(info.unit, lang),
            "left": "–" if s.left.median is None else f"{s.left.median:.1f}",
            "right": "–" if s.right.median is None else f"{s.right.median:.1f}",
            "left_sev": severity.get((metric, "left"), ""),
            "right_sev": severity.get((metric, "right"), ""),
            "guidance": "" if (g := guidance_of(info)) is None else
            guidance_span(g, info.unit, lang),
            "drift": "–" if drift is None else
            f"{drift.early:.1f} → {drift.late:.1f}{' ⚑' if drift.flagged else ''}",
        })
    return rows


def _cycles(analysis: Analysis, lang: Lang) -> list[dict]:
    """The gait-cycle plots with their captions: sign convention, toe-off, withheld sides."""
    t = ui_texts(lang)
    out = []
    for angle, cycle in analysis.gait_cycle.items():
        lines = [t[f"cycle_{angle}_sign"]]
        for foot in ("left", "right"):
            c = cycle.side(foot)
            if c is not None and c.stance_pct is not None:
                lines.append(t["cycle_toe_off"].format(
                    side=side_text(foot, lang), pct=c.stance_pct, sd=c.stance_pct_sd or 0.0,
                    n=c.n_cycles))
            elif (why := cycle.withheld.get(foot)) is not None:
                lines.append(t[f"cycle_withheld_{why.reason}"].format(
                    side=side_text(foot, lang), n=why.n_cycles, min=why.min_cycles))
        out.append({"svg": plot_cycle_svg(analysis, angle, lang), "lines": lines,
                    "title": t[f"cycle_{angle}"]})
    return out


def render_report(analysis: Analysis, video: Path | None = None,
                  overlay: str | None = None) -> str:
    """The report's HTML; `overlay` is the overlay video's file name beside the report."""
    lang = analysis.lang
    t = ui_texts(lang)
    labels = {m: metric_label(m, lang, short=False) for m in analysis.summary}
    plots = [svg for m in metric_order(analysis)[:MAX_PLOTS]
             if (svg := plot_metric_svg(analysis, m, labels[m], lang)) is not None]
    frames = []
    if video is not None and analysis.key_frames:
        try:
            pictures = read_frames(video, {k.frame for k in analysis.key_frames})
        except FormcheckError:  # the clip moved or cannot be re-read: report without frames
            pictures = {}
        for key in analysis.key_frames:
            if key.frame in pictures:
                caption = (f"{t[key.foot]} · {metric_label(key.label, lang, short=False)} "
                           f"{'' if key.value is None else f'{key.value:.0f}°'} · "
                           f"{key.time_s:.2f} {t['sec']}")
                frames.append({"jpeg": draw_key_frame(pictures[key.frame], key, caption, lang),
                               "caption": caption})
    return template("report.html.j2").render(
        a=analysis, t=t, lang=lang, overlay=overlay, labels=labels, plots=plots, frames=frames,
        rows=_rows(analysis, lang), cycles=_cycles(analysis, lang),
        clip_name=Path(analysis.video.path).name,
        notable=[f for f in analysis.findings if f.severity != "ok"],
        nothing=t[nothing_text_key([q.code for q in analysis.quality])],
        drifts=[f for f in analysis.findings if f.kind == "drift"],
        quality=[q.text(lang) for q in analysis.quality], view=view_text(analysis.view, lang),
        headline=lambda f: finding_headline(f, lang, with_severity=False),
        sev=lambda s: severity_text(s, lang), unit=lambda u: unit_text(u, lang),
        guidance=lambda f: finding_guidance(f, lang))

