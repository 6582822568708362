"""The summary table printed at the end of `formcheck analyze`."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from formcheck.plausibility import nothing_text_key
from formcheck.schema import Analysis
from formcheck.texts import Lang, metric_label, ui_text

SEVERITY_STYLE = {"ok": "green", "watch": "yellow", "flag": "bold red"}


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def render_summary(analysis: Analysis, console: Console, lang: Lang = "en") -> None:
    v = analysis.video
    console.print(
        f"[bold]{v.path}[/]  {v.width}×{v.height}, {v.fps:.1f} fps, {v.duration_s:.1f} s · "
        f"view [bold]{analysis.view}[/] ({100 * analysis.view_confidence:.0f}% sure) · "
        f"cadence [bold]{_fmt(analysis.cadence_spm)}[/] steps/min · "
        f"{len(analysis.strides)} foot strikes")
    severities = {(f.metric, f.side): f.severity for f in analysis.findings}
    table = Table(title="Per-side medians (IQR) over strides", title_justify="left")
    table.add_column("metric")
    table.add_column("unit", style="dim")
    table.add_column("left", justify="right")
    table.add_column("right", justify="right")
    table.add_column("n (L/R)", justify="right", style="dim")
    table.add_column("guidance", style="dim", overflow="fold")
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
        table.add_row(metric_label(metric_id, lang), info.unit if info else "", *cells,
                      f"{summary.left.n}/{summary.right.n}",
                      (info.guidance or "").split(" (guidance")[0] if info else "")
    console.print(table)
    render_findings(analysis, console, lang)
    for note in analysis.quality:
        colour = "yellow" if note.level == "warn" else "dim"
        console.print(f"[{colour}]• {note.message}[/]")


def render_findings(analysis: Analysis, console: Console, lang: Lang = "en") -> None:
    """Headline findings with the documents' causes and drills, then the safety notes."""
    h = {key: ui_text(key, lang) for key in ("findings", "why", "drills", "cue", "none",
                                             "safety")}
    notable = [f for f in analysis.findings if f.severity != "ok"]
    console.print(f"\n[bold]{h['findings']}[/]")
    if not notable:
        key = nothing_text_key([q.code for q in analysis.quality])
        console.print(f"  {ui_text(key, lang)}")
    for f in notable:
        style = SEVERITY_STYLE[f.severity]
        side = "" if f.side == "both" else f" ({f.side})"
        console.print(f"[{style}]● {metric_label(f.metric, lang, short=False)}{side}: "
                      f"{f.value:g} {f.unit} — {f.severity}[/]  [dim]{f.guidance}[/]")
        if f.borderline and f.precision is not None:
            console.print("  [italic]" + ui_text("borderline", lang).format(
                precision=f.precision, unit=f.unit) + "[/]")
        if f.explanation:
            console.print(f"  {f.explanation}")
        for cause in f.causes:
            console.print(f"  [dim]{h['why']}:[/] {cause}")
        if f.cue:
            console.print(f"  [bold]{h['cue']}:[/] {f.cue}")
        for drill in f.drills:
            console.print(f"  [green]→[/] {drill}")
    console.print(f"\n[bold]{h['safety']}[/]")
    for note in analysis.safety:
        console.print(f"  • {note}")
    console.print(f"  [italic]{analysis.disclaimer}[/]")
