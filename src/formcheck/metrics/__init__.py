"""Per-stride metrics: one registry, one definition per metric.

Importing the package registers every metric, so `REGISTRY` is complete wherever it is read.
"""

from formcheck.metrics import frontal, side  # noqa: F401  (register the metrics)
