"""The batch's table across clips (CSV and Parquet) and its index.html."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from formcheck.batch.ledger import Ledger, Row
from formcheck.batch.trend_view import since_last_html, trend_svg
from formcheck.batch.trends import AthleteTrend, athlete_trend, trends_csv
from formcheck.io.results import atomic_write_text, load_analysis
from formcheck.outputs import ANALYSIS_JSON, REPORT_HTML
from formcheck.schema import Analysis
from formcheck.texts import Lang, metric_label, ui_texts, view_text

BASE_COLUMNS = ["athlete", "session", "clip", "state", "view", "cadence_spm", "n_strides",
                "findings_flag", "findings_watch", "drift_flagged", "error", "report"]


def clip_row(row: Row, out_dir: Path) -> dict:
    record: dict = {"athlete": row.athlete, "session": row.session, "clip": row.path,
                    "state": row.state, "error": row.error}
    if row.state != "done" or not row.out_dir:
        return record
    analysis = load_analysis(Path(row.out_dir) / ANALYSIS_JSON.name)
    record.update({
        "view": analysis.view, "cadence_spm": analysis.cadence_spm,
        "n_strides": len(analysis.strides),
        "findings_flag": sum(f.severity == "flag" for f in analysis.findings),
        "findings_watch": sum(f.severity == "watch" for f in analysis.findings),
        "drift_flagged": ";".join(m for m, d in analysis.drift.items() if d.flagged),
        "report": os.path.relpath(Path(row.out_dir) / REPORT_HTML.name, out_dir),
    })
    for metric, summary in analysis.summary.items():
        info = analysis.metrics.get(metric)
        if info is not None and info.validation_only:
            continue
        for side in ("left", "right", "both"):
            record[f"{metric}_{side}"] = getattr(summary, side).median
    return record


def write_summary(ledger: Ledger, out_dir: Path, lang: Lang = "en") -> list[dict]:
    rows = [clip_row(r, out_dir) for r in ledger.rows()]
    metric_columns = sorted({k for r in rows for k in r} - set(BASE_COLUMNS))
    columns = BASE_COLUMNS + metric_columns
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, restval="")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write_text(out_dir / "summary.csv", buffer.getvalue())
    _write_parquet(rows, columns, out_dir / "summary.parquet")
    trends = athlete_trends(ledger)
    atomic_write_text(out_dir / "trends.csv", trends_csv(trends))
    atomic_write_text(out_dir / "index.html", render_index(rows, metric_columns, lang, trends))
    return rows


def athlete_trends(ledger: Ledger) -> list[AthleteTrend]:
    """Each athlete's sessions (the analysed clips of each) as a trend."""
    sessions: dict[str, dict[str, list[Analysis]]] = {}
    for row in ledger.rows("done"):
        if row.out_dir:
            analysis = load_analysis(Path(row.out_dir) / ANALYSIS_JSON.name)
            sessions.setdefault(row.athlete, {}).setdefault(row.session, []).append(analysis)
    return [athlete_trend(athlete, by_session) for athlete, by_session in sorted(sessions.items())]


def _write_parquet(rows: list[dict], columns: list[str], path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    numeric = {c for c in columns if any(isinstance(r.get(c), float | int)
                                         and not isinstance(r.get(c), bool) for r in rows)}
    fields = [pa.field(c, pa.float64() if c in numeric else pa.string()) for c in columns]
    table = pa.Table.from_pylist(
        [{c: (None if r.get(c) is None else (float(r[c]) if c in numeric else str(r[c])))
          for c in columns} for r in rows], schema=pa.schema(fields))
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def _drift_labels(flagged: str | None, lang: Lang) -> str:
    """The drifted metrics' short names ("–" when none)."""
    return ", ".join(metric_label(m, lang) for m in flagged.split(";")) if flagged else "–"


def render_index(rows: list[dict], metric_columns: list[str], lang: Lang = "en",
                 trends: list[AthleteTrend] | None = None) -> str:
    """The batch's index.html in `lang` (clip names, athletes and sessions as given), with
    each athlete's trend over their sessions when `trends` are given."""
    from html import escape

    t = ui_texts(lang)
    trend_of = {trend.athlete: trend for trend in trends or []}
    parts = [f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>",
             "<meta name='viewport' content='width=device-width, initial-scale=1'>",
             f"<title>{t['batch_title']}</title>"
             "<style>body{font-family:system-ui,'Noto Sans CJK JP',sans-serif;"
             "margin:24px;color:#1d2330} table{border-collapse:collapse;width:100%}"
             "td,th{border-bottom:1px solid #e3e6eb;padding:4px 8px;font-size:.9rem;"
             "text-align:left} .failed{color:#c62828} svg{max-width:100%;height:auto}"
             " .note{color:#5b6475;font-size:.85rem} .changed{color:#c62828;font-weight:600}"
             f"</style></head><body><h1>{t['batch_title']}</h1>"]
    done = [r for r in rows if r["state"] == "done"]
    counts = t["batch_counts"].format(clips=len(rows), done=len(done),
                                     failed=sum(r["state"] == "failed" for r in rows))
    parts.append(f"<p>{counts}</p>")
    for athlete in sorted({r["athlete"] for r in rows}):
        mine = [r for r in rows if r["athlete"] == athlete]
        parts.append(f"<h2>{escape(athlete)}</h2>")
        trend = trend_of.get(athlete)
        if trend is not None:
            order_note = t["batch_order_date" if trend.by_date else "batch_order_label"]
            parts.append(f"<p class='note'>{escape(order_note)}</p>")
            if (svg := trend_svg(trend, lang)) is not None:
                parts.append(svg + f"<p class='note'>{escape(t['batch_trend_note'])}</p>")
            parts.append(since_last_html(trend, lang))
        heads = ("batch_session", "batch_clip", "batch_view", "batch_cadence", "batch_flags",
                 "batch_drift", "batch_report")
        parts.append(f"<h3>{t['session_clips']}</h3><table><tr>"
                     + "".join(f"<th>{t[h]}</th>" for h in heads) + "</tr>")
        order = {label: i for i, label in enumerate(trend.sessions)} if trend else {}
        for r in sorted(mine, key=lambda r: (order.get(r["session"], len(order)),
                                             r["session"], r["clip"])):
            if r["state"] == "done":
                link = f"<a href='{escape(r['report'])}'>{t['batch_report']}</a>"
                cadence = f"{r['cadence_spm']:.0f}" if r.get("cadence_spm") else "–"
                parts.append(f"<tr><td>{escape(r['session'])}</td>"
                             f"<td>{escape(Path(r['clip']).name)}</td>"
                             f"<td>{view_text(r['view'], lang)}</td><td>{cadence}</td><td>"
                             + t["batch_flag_count"].format(flag=r["findings_flag"],
                                                            watch=r["findings_watch"])
                             + f"</td><td>{escape(_drift_labels(r['drift_flagged'], lang))}"
                             f"</td><td>{link}</td></tr>")
            else:
                parts.append(f"<tr class='failed'><td>{escape(r['session'])}</td>"
                             f"<td>{escape(Path(r['clip']).name)}</td>"
                             f"<td colspan='5'>{t['state:' + r['state']]}: "
                             f"{escape(r['error'] or '')}</td>"
                             "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)
