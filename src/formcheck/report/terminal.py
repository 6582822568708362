"""The summary table printed at the end of `formcheck analyze`."""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from formcheck.findings import finding_guidance, finding_headline, guidance_span
from formcheck.metrics.registry import REGISTRY
from formcheck.plausibility import nothing_text_key
from formcheck.schema import Analysis, Finding
from formcheck.texts import (
    Lang,
    metric_label,
    ui_text,
    unit_text,
    view_text,
)

SEVERITY_STYLE = {"ok": "green", "watch": "yellow", "flag": "bold red"}


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def render_summary(analysis: Analysis, console: Console, lang: Lang = "en") -> None:
    v = analysis.video
    console.print(f"[bold]{escape(v.path)}[/]  " + ui_text("term_headline", lang).format(
        size=f"{v.width}×{v.height}", fps=v.fps, duration=v.duration_s,
        view=view_text(analysis.view, lang), pct=100 * analysis.view_confidence,
        cadence=_fmt(analysis.cadence_spm), n=len(analysis.strides)))
    severities = {(f.metric, f.side): f.severity for f in analysis.findings}
    table = Table(title=ui_text("term_title", lang), title_justify="left")
    labels = [metric_label(m, lang) for m in analysis.summary]
    # names are never cut: the guidance column folds instead
    table.add_column(ui_text("term_metric", lang), no_wrap=True,
                     min_width=max((cell_len(label) for label in labels), default=0))
    table.add_column(ui_text("term_unit", lang), style="dim", overflow="fold")
    table.add_column(ui_text("left", lang), justify="right")
    table.add_column(ui_text("right", lang), justify="right")
    table.add_column(ui_text("term_n", lang), justify="right", style="dim", overflow="fold")
    table.add_column(ui_text("term_guidance", lang), style="dim", overflow="fold")
    for metric_id, summary in analysis.summary.items():
        info = analysis.metrics.get(metric_id)
        if info is not None and info.validation_only:
            continue
        cells = []
        for side in ("left", "right"):
            stat = getattr(summary, side)
            text = f"{_fmt(stat.median)} ({_fmt(stat.iqr)})" if stat.n else "–"
            style = SEVERITY_STYLE.get(severities.get((metric_id, side), ""), "")
            cells.append(f"[{style}]{text}[/]" if style else text)
        guidance = REGISTRY[metric_id].guidance if metric_id in REGISTRY else None
        table.add_row(metric_label(metric_id, lang), unit_text(info.unit, lang) if info else "",
                      *cells, f"{summary.left.n}/{summary.right.n}",
                      guidance_span(guidance, info.unit, lang) if guidance and info else "")
    console.print(table)
    render_findings(analysis, console, lang)
    for note in analysis.quality:
        colour = "yellow" if note.level == "warn" else "dim"
        console.print(f"[{colour}]• {escape(note.text(lang))}[/]")


def render_findings(analysis: Analysis, console: Console, lang: Lang = "en") -> None:
    """Headline findings with the documents' causes and drills, then the safety notes."""
    nothing = ui_text(nothing_text_key([q.code for q in analysis.quality]), lang)
    print_findings(analysis.findings, analysis.safety, analysis.disclaimer, nothing, console,
                   lang)


def print_findings(findings: list[Finding], safety: list[str], disclaimer: str, nothing: str,
                   console: Console, lang: Lang = "en",
                   source: Callable[[Finding], str] | None = None) -> None:
    """Findings outside their range (with causes, cue and drills), then the safety notes;
    `source` names where each finding comes from (a session's clip)."""
    h = {key: ui_text(key, lang) for key in ("findings", "why", "drills", "cue", "safety")}
    notable = [f for f in findings if f.severity != "ok"]
    console.print(f"\n[bold]{h['findings']}[/]")
    if not notable:
        console.print(f"  {nothing}")
    for f in notable:
        style = SEVERITY_STYLE[f.severity]
        where = f"  [cyan]{escape(source(f))}[/]" if source is not None else ""
        console.print(f"[{style}]● {finding_headline(f, lang)}[/]{where}  "
                      f"[dim]{escape(finding_guidance(f, lang))}[/]")
        if f.borderline and f.precision is not None:
            console.print("  [italic]" + ui_text("borderline", lang).format(
                precision=f.precision, unit=unit_text(f.unit, lang)) + "[/]")
        if f.explanation:
            console.print(f"  {f.explanation}")
        for cause in f.causes:
            console.print(f"  [dim]{h['why']}:[/] {cause}")
        if f.cue:
            console.print(f"  [bold]{h['cue']}:[/] {f.cue}")
        for drill in f.drills:
            console.print(f"  [green]→[/] {drill}")
    console.print(f"\n[bold]{h['safety']}[/]")
    for note in safety:
        console.print(f"  • {note}")
    console.print(f"  [italic]{disclaimer}[/]")
