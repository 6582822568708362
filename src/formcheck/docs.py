"""Generate docs/metrics.md from the metric registry and texts (`python -m formcheck.docs`).

A test fails when the committed file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from formcheck.findings import guidance_text
from formcheck.metrics import compute  # noqa: F401  (registers every metric)
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
    return HEADER + "\n".join(rows) + "\n"


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/metrics.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_metrics_table(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
