"""Which metrics a runner sees first: the same order in the report, its plots and the overlay."""

from __future__ import annotations

from formcheck.schema import Analysis, MetricInfo


def metric_order(analysis: Analysis) -> list[str]:
    """Metrics with a finding first, then flagged drifts, then the rest with guidance."""
    notable = [f.metric for f in analysis.findings if f.severity != "ok"]
    drifting = [m for m, d in analysis.drift.items() if d.flagged]
    info = analysis.metrics
    guided = [m for m in analysis.summary if info.get(m, _UNKNOWN).guidance is not None]
    order: list[str] = []
    for metric in notable + drifting + guided:
        if metric not in order and not info.get(metric, _UNKNOWN).validation_only:
            order.append(metric)
    return order


_UNKNOWN = MetricInfo(unit="", sign="")
