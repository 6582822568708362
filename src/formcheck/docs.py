"""Generate docs/metrics.md from the metric registry and texts (`python -m formcheck.docs`).

A test fails when the committed file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from formcheck.config import FindingsConfig, GaitCycleConfig
from formcheck.findings import guidance_text
from formcheck.metrics import compute  # noqa: F401  (registers every metric)
from formcheck.metrics.gait_cycle import FRONTAL_CYCLE_ANGLES, SIDE_CYCLE_ANGLES
from formcheck.metrics.registry import REGISTRY
from formcheck.texts import metric_texts

HEADER = """# Metrics

Generated from the metric registry by `python -m formcheck.docs`; do not edit by hand.
Sides are the runner's. Guidance ranges are guidance, not diagnoses.

| id | name | unit | views | sign convention | guidance | SDD |
|---|---|---|---|---|---|---|
"""


def render_metrics_table() -> str:
    rows = []
    for m in REGISTRY.values():
        name = metric_texts().get(m.id, {}).get("en", {}).get("name", m.id)
        if m.validation_only:
            name += " (validation only, not shown in reports)"
        guidance = guidance_text(m.guidance, m.unit) if m.guidance else "–"
        sdd = f"{m.sdd:g}" if m.sdd is not None else "–"
        rows.append(f"| `{m.id}` | {name} | {m.unit} | {', '.join(m.views)} | {m.sign} | "
                    f"{guidance} | {sdd} |")
    return HEADER + "\n".join(rows) + "\n" + render_cycle_section()


def render_cycle_section() -> str:
    """The gait-cycle curves: the same angles per frame, over 0–100 % of each stride."""
    g, f = GaitCycleConfig(), FindingsConfig()
    rows = [f"| `{a.id}` | {a.unit} | {views} | {a.sign} | `{a.series[0]}`, `{a.series[1]}` |"
            for views, angles in (("side", SIDE_CYCLE_ANGLES), ("frontal", FRONTAL_CYCLE_ANGLES))
            for a in angles]
    return f"""
## Gait-cycle curves (`Analysis.gait_cycle`)

Per side, each angle from the side's foot strike (0 %) to the same foot's next strike
(100 %), 101 points, mean and SD (ddof 1) across strides; `stance_pct` is toe-off as % of the
cycle. The per-frame series are those of the metrics above (`metrics/angle_series.py`).
A stride counts when its metrics were not withheld. It is dropped from a curve when the angle
has a gap longer than {100 * g.max_gap_cycle_fraction:g} % of the cycle, and from all curves
when its cycle is longer than {g.max_cycle_of_median:g} × the clip's median (a missed strike).
Fewer than {g.min_cycles} strides on a side: no curve, and the reason is given. Fewer than
{f.min_strides}: the curve is marked low confidence. In a side view the far leg (seen
through the body, hidden in swing) has no knee or hip curve of its own: a clip from its side
gives it.

| curve | unit | views | sign convention (per side) | series (left, right) |
|---|---|---|---|---|
""" + "\n".join(rows) + "\n"


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/metrics.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_metrics_table(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
