"""The coach's view over time: each athlete's sessions in date order, the headline metrics'
trend, and what changed beyond noise since the previous session.

"Beyond noise" is `compare.compare_analyses` between the clip of the previous session and the
clip of the latest one that measure a metric (median change, bootstrap 95 % interval,
flagged when the change exceeds the metric's smallest detectable difference and the interval
excludes zero): the same statistics as `formcheck compare` and a session's early/late.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from formcheck.compare import compare_analyses
from formcheck.config import FindingsConfig
from formcheck.metrics.registry import REGISTRY
from formcheck.schema import Analysis, Drift, SideName, Stat

SIDES: tuple[SideName, SideName] = ("left", "right")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def label_date(label: str) -> date | None:
    """The ISO date (YYYY-MM-DD) inside a session label such as `2026-11-03_easy`."""
    found = _ISO_DATE.search(label)
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def session_order(labels: list[str]) -> tuple[list[str], bool]:
    """The sessions in date order when every label holds a date (True), else in label order."""
    unique = sorted(set(labels))
    dates = {label: label_date(label) for label in unique}
    if all(d is not None for d in dates.values()):
        return sorted(unique, key=lambda label: (dates[label], label)), True
    return unique, False


def headline_metrics() -> list[str]:
    """Metrics with a guidance range that a runner is shown (registry order)."""
    return [m for m, d in REGISTRY.items()
            if d.guidance is not None and not d.validation_only and not d.needs_height]


def measuring(analyses: list[Analysis], metric: str, side: SideName | None = None,
              ) -> Analysis | None:
    """The session's clip that measures `metric` (on `side`, or both feet) with the most
    strides; None when none does."""
    def n(a: Analysis) -> int:
        summary = a.summary.get(metric)
        return 0 if summary is None else getattr(summary, side or "both").n
    best = max(analyses, key=n, default=None)
    return best if best is not None and n(best) > 0 else None


@dataclass(frozen=True)
class TrendPoint:
    session: str
    stat: Stat
    view: str


@dataclass(frozen=True)
class SinceLast:
    """Latest against previous session for one metric (both feet, as `compare`)."""

    metric: str
    previous: str
    latest: str
    view: str | None
    change: Drift | None
    note: str | None  # why there is no change: "views_differ", "too_few", "missing"


@dataclass(frozen=True)
class AthleteTrend:
    athlete: str
    sessions: list[str]  # in order
    by_date: bool
    points: dict[str, dict[SideName, list[TrendPoint]]]  # metric → side → per session
    since_last: list[SinceLast]


def athlete_trend(athlete: str, sessions: dict[str, list[Analysis]],
                  config: FindingsConfig | None = None) -> AthleteTrend:
    """One athlete's trend over their sessions (label → the analysed clips of it)."""
    config = config or FindingsConfig()
    order, by_date = session_order(list(sessions))
    metrics = [m for m in headline_metrics()
               if any(measuring(sessions[s], m) is not None for s in order)]
    points: dict[str, dict[SideName, list[TrendPoint]]] = {}
    for metric in metrics:
        points[metric] = {}
        for side in SIDES:
            series = []
            for label in order:
                clip = measuring(sessions[label], metric, side)
                if clip is not None:
                    series.append(TrendPoint(label, getattr(clip.summary[metric], side),
                                             clip.view))
            points[metric][side] = series
    since = [] if len(order) < 2 else \
        [_since_last(metric, order[-2], order[-1], sessions, config) for metric in metrics]
    return AthleteTrend(athlete, order, by_date, points, since)


def _since_last(metric: str, previous: str, latest: str, sessions: dict[str, list[Analysis]],
                config: FindingsConfig) -> SinceLast:
    before, after = measuring(sessions[previous], metric), measuring(sessions[latest], metric)
    if before is None or after is None:
        return SinceLast(metric, previous, latest, None, None, "missing")
    if before.view != after.view:
        return SinceLast(metric, previous, latest, None, None, "views_differ")
    change = compare_analyses(before, after, config.min_strides).get(metric)
    return SinceLast(metric, previous, latest, before.view, change,
                     None if change is not None else "too_few")


TREND_COLUMNS = ["athlete", "metric", "session_previous", "session_latest", "view", "previous",
                 "latest", "change", "ci_low", "ci_high", "sdd", "beyond_noise", "n_previous",
                 "n_latest", "note"]


def trends_csv(trends: list[AthleteTrend]) -> str:
    """One row per athlete and headline metric: latest session against the previous one."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=TREND_COLUMNS, restval="")
    writer.writeheader()
    for trend in trends:
        for row in trend.since_last:
            d = row.change
            writer.writerow({
                "athlete": trend.athlete, "metric": row.metric,
                "session_previous": row.previous, "session_latest": row.latest,
                "view": row.view or "", "note": row.note or "",
                **({} if d is None else {
                    "previous": d.early, "latest": d.late, "change": d.change,
                    "ci_low": d.ci95[0] if d.ci95 else "", "ci_high": d.ci95[1] if d.ci95 else "",
                    "sdd": REGISTRY[row.metric].sdd, "beyond_noise": d.flagged,
                    "n_previous": d.n_early, "n_latest": d.n_late})})
    return buffer.getvalue()
