"""The session's summary printed at the end of `formcheck session`."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from formcheck.findings import guidance_of, guidance_span
from formcheck.report.terminal import SEVERITY_STYLE, print_findings
from formcheck.session.combine import SIDES
from formcheck.session.report import gap_sentences, source_tag
from formcheck.session.schema import SessionAnalysis
from formcheck.texts import Lang, metric_label, ui_text, unit_text, view_text


def render_session_summary(session: SessionAnalysis, console: Console,
                           lang: Lang = "en") -> None:
    """Clips, every value with its source clip, findings, and what is missing."""
    for clip in session.clips:
        state = escape(clip.error.splitlines()[0]) if clip.error else \
            f"{view_text(clip.view or '', lang)} · {clip.n_strides} {ui_text('strides', lang)}"
        console.print(f"[bold]{clip.id}[/] {escape(clip.name)}  "
                      f"[{'red' if clip.error else 'dim'}]{state}[/]")
    severities = {(f.metric, f.side): f.severity for f in session.findings if f.kind == "level"}
    table = Table(title=ui_text("session_all_metrics", lang), title_justify="left")
    for key in ("term_metric", "term_unit", "left", "right", "term_guidance"):
        table.add_column(ui_text(key, lang), overflow="fold")
    for metric, sources in session.metrics.items():
        info = session.metric_info[metric]
        cells = []
        for side in SIDES:
            source = getattr(sources, side)
            if source is None or source.stat.median is None:
                cells.append("–")
                continue
            style = SEVERITY_STYLE.get(severities.get((metric, side), ""), "")
            text = f"{source.stat.median:.1f} [dim]#{source.clip}[/]"
            cells.append(f"[{style}]{text}[/]" if style else text)
        g = guidance_of(info)
        table.add_row(metric_label(metric, lang), unit_text(info.unit, lang), *cells,
                      guidance_span(g, info.unit, lang) if g else "")
    console.print(table)
    print_findings(session.findings, session.safety, session.disclaimer, ui_text("none", lang),
                   console, lang, source=lambda f: source_tag(f, session, lang))
    gaps = gap_sentences(session.gaps, lang)
    console.print(f"\n[bold]{ui_text('session_gaps', lang)}[/]")
    for sentence in gaps or [ui_text("session_gap_none", lang)]:
        console.print(f"  • {escape(sentence)}")
