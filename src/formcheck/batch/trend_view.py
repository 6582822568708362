"""The coach's trend in index.html: small multiples over the sessions with the SDD band, and
the "since last time" table."""

from __future__ import annotations

from html import escape

import numpy as np

from formcheck.batch.trends import AthleteTrend
from formcheck.metrics.registry import REGISTRY
from formcheck.texts import Lang, metric_label, side_text, ui_text, unit_text, view_text

COLUMNS = 3


def trend_svg(trend: AthleteTrend, lang: Lang = "en") -> str | None:
    """Per headline metric: each side's median per session with its IQR as an error bar, and
    the band of ± the metric's smallest detectable difference around the previous session's
    value, drawn up to the latest session: a latest point outside it moved beyond noise."""
    from formcheck.report.plots import SIDE_COLOURS, plt, svg_of

    metrics = list(trend.points)
    if not metrics:
        return None
    rows = (len(metrics) + COLUMNS - 1) // COLUMNS
    fig, axes = plt.subplots(rows, COLUMNS, figsize=(3.3 * COLUMNS, 2.5 * rows), dpi=100,
                             squeeze=False)
    x_of = {label: i for i, label in enumerate(trend.sessions)}
    for ax, metric in zip(axes.flat, metrics, strict=False):
        sdd = REGISTRY[metric].sdd
        for side, points in trend.points[metric].items():
            shown = [p for p in points if p.stat.median is not None]
            if not shown:
                continue
            x = np.array([x_of[p.session] for p in shown], dtype=float)
            y = np.array([p.stat.median for p in shown], dtype=float)
            iqr = np.array([p.stat.iqr or 0.0 for p in shown], dtype=float)
            colour = SIDE_COLOURS[side]
            ax.errorbar(x, y, yerr=iqr / 2, fmt="o-", ms=4, lw=1.2, capsize=2, color=colour,
                        label=side_text(side, lang))
            if sdd is not None and len(shown) >= 2 and \
                    shown[-1].session == trend.sessions[-1]:
                ax.fill_between([x[-2], x[-1]], y[-2] - sdd, y[-2] + sdd, color=colour,
                                alpha=0.15, lw=0)
        ax.set_title(metric_label(metric, lang), fontsize=9, loc="left")
        ax.set_ylabel(unit_text(REGISTRY[metric].unit, lang), fontsize=7)
        ax.set_xticks(range(len(trend.sessions)), trend.sessions, rotation=30, fontsize=7,
                      ha="right")
        ax.set_xlim(-0.4, len(trend.sessions) - 0.6)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, frameon=False, loc="best")
    return svg_of(fig)


def since_last_html(trend: AthleteTrend, lang: Lang = "en") -> str:
    """The latest session against the previous one, per headline metric."""
    if len(trend.sessions) < 2:
        return f"<p class='note'>{escape(ui_text('batch_first_session', lang))}</p>"
    heads = ("metric", "batch_previous", "batch_latest", "cmp_change", "cmp_n", "")
    title = ui_text("batch_since_last", lang).format(previous=trend.sessions[-2],
                                                     latest=trend.sessions[-1])
    parts = [f"<h3>{escape(title)}</h3>",
             "<table><tr>" + "".join(f"<th>{escape(ui_text(h, lang)) if h else ''}</th>"
                                     for h in heads) + "</tr>"]
    for row in trend.since_last:
        label = escape(metric_label(row.metric, lang, short=False))
        unit = escape(unit_text(REGISTRY[row.metric].unit, lang))
        d = row.change
        if d is None or d.early is None or d.late is None or d.change is None:
            note = ui_text(f"batch_trend_{row.note}", lang)
            parts.append(f"<tr><td>{label}</td><td colspan='5' class='note'>{escape(note)}"
                         "</td></tr>")
            continue
        interval = "" if d.ci95 is None else f" [{d.ci95[0]:+.1f}, {d.ci95[1]:+.1f}]"
        verdict = ui_text("session_beyond_noise" if d.flagged else "session_within_noise",
                          lang)
        parts.append(
            f"<tr><td>{label} <span class='note'>({unit}, "
            f"{escape(view_text(row.view or '', lang))})</span></td><td>{d.early:.1f}</td>"
            f"<td>{d.late:.1f}</td><td>{d.change:+.1f}{interval}</td>"
            f"<td>{d.n_early}/{d.n_late}</td>"
            f"<td class='{'changed' if d.flagged else 'note'}'>{escape(verdict)}</td></tr>")
    parts.append("</table>")
    return "".join(parts)
