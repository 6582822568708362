"""The metric registry: one small definition per metric (id, unit, views, sign, guidance).

Formulas live in the view modules (`side.py`, …) and register themselves here; the CLI,
batch, web and reports all read metric facts from this one place. The user-facing names and
explanations (en/ja) live in `formcheck/data/metrics.json`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar


@dataclass(frozen=True)
class Guidance:
    """A guidance range (not a diagnosis) with its source. None = open-ended."""

    ok_min: float | None
    ok_max: float | None
    watch_max: float | None = None  # above ok_max up to this: "watch"; beyond: "flag"
    # "; "-separated citations: a study ("Souza 2016"), "document NNN" (a source document,
    # see data/advice.json) or "coaching_rule" (common guidance without a study behind it)
    source: str = ""


@dataclass(frozen=True)
class MetricDef:
    id: str
    unit: str
    views: tuple[str, ...]  # "side", "frontal"
    sign: str  # the sign convention, in words
    compute: Callable[[Any], float | None]  # a StrideContext (or its frontal subclass)
    guidance: Guidance | None = None
    sdd: float | None = None  # smallest detectable difference (for drift), same unit
    needs_height: bool = False
    validation_only: bool = False  # computed for the benchmarks, not shown to runners
    # The camera views that can measure it, when fewer than its family's (toe-out: front)
    cameras: tuple[str, ...] | None = None

    @property
    def camera_views(self) -> tuple[str, ...]:
        """The views ("side_left", "rear", ...) whose clips can measure this metric."""
        if self.cameras is not None:
            return self.cameras
        family = {"side": ("side_left", "side_right"), "frontal": ("rear", "front")}
        return tuple(v for f in self.views for v in family.get(f, ()))


REGISTRY: dict[str, MetricDef] = {}


MetricFn = TypeVar("MetricFn", bound=Callable[..., float | None])


def register(metric_id: str, unit: str, views: tuple[str, ...], sign: str,
             guidance: Guidance | None = None, sdd: float | None = None,
             needs_height: bool = False, validation_only: bool = False,
             cameras: tuple[str, ...] | None = None) -> Callable[[MetricFn], MetricFn]:
    """Decorator: register a per-stride metric function under `metric_id`."""

    def wrap(fn: MetricFn) -> MetricFn:
        if metric_id in REGISTRY:
            raise ValueError(f"metric {metric_id} registered twice")
        REGISTRY[metric_id] = MetricDef(metric_id, unit, views, sign, fn, guidance, sdd,
                                        needs_height, validation_only, cameras)
        return fn

    return wrap


def metrics_for(view_family: str) -> list[MetricDef]:
    return [m for m in REGISTRY.values() if view_family in m.views]
