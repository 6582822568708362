"""Apply the registry to every stride and summarise per side."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.cleaning import torso_length_px
from formcheck.events import GaitEvents
from formcheck.landmarks import Side
from formcheck.metrics import side as _side  # noqa: F401  (registers the side metrics)
from formcheck.metrics.context import StrideContext
from formcheck.metrics.geometry import rotate_points
from formcheck.metrics.registry import MetricDef, metrics_for
from formcheck.track import PoseTrack
from formcheck.view import View


@dataclass(frozen=True)
class StrideResult:
    foot: Side
    ic_frame: int
    to_frame: int
    ic_time_s: float
    metrics: dict[str, float | None]


def back_edge_concavity(track: PoseTrack, view: View) -> np.ndarray | None:
    """The concavity of the silhouette edge on the runner's back (side views)."""
    if track.back_concavity is None or not view.is_side:
        return None
    # Travelling toward image right, the back is the image-left edge (column 0).
    return track.back_concavity[:, 0 if view.forward_sign > 0 else 1]


def build_contexts(track: PoseTrack, events: GaitEvents, view: View, leg_px: float,
                   roll_deg: float, leg_cm: float | None) -> list[StrideContext]:
    centre = (track.video.width / 2.0, track.video.height / 2.0)
    xy = rotate_points(track.image_xy, -roll_deg, centre)
    trunk_px = float(np.nanmedian(torso_length_px(track)))
    concavity = back_edge_concavity(track, view)
    contexts = []
    stances = list(events.stances)
    for i, stance in enumerate(stances):
        later = stances[i + 1:]
        same = next((s.ic_frame for s in later if s.foot is stance.foot), None)
        other = next((s.ic_frame for s in later if s.foot is not stance.foot), None)
        if other is not None and same is not None and other > same:
            other = None  # the other foot's contact was missed: no flight time
        contexts.append(StrideContext(
            foot=stance.foot, ic=stance.ic_frame, to=stance.to_frame, next_ic_same=same,
            next_ic_other=other, time_s=track.time_s, xy=xy, forward=view.forward_sign,
            leg_px=leg_px, trunk_px=trunk_px, leg_cm=leg_cm, back_concavity=concavity))
    return contexts


def compute_strides(contexts: list[StrideContext], view_family: str,
                    ) -> tuple[list[StrideResult], list[MetricDef]]:
    defs = [m for m in metrics_for(view_family)
            if not (m.needs_height and contexts and contexts[0].leg_cm is None)]
    results = []
    for c in contexts:
        values = {m.id: m.compute(c) for m in defs}
        results.append(StrideResult(c.foot, c.ic, c.to, float(c.time_s[c.ic]), values))
    return results, defs


@dataclass(frozen=True)
class Stat:
    median: float | None
    iqr: float | None
    n: int


def describe(values: list[float]) -> Stat:
    arr = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=float)
    if arr.size == 0:
        return Stat(None, None, 0)
    q1, med, q3 = np.percentile(arr, [25, 50, 75])
    return Stat(float(med), float(q3 - q1), int(arr.size))


def summarise(strides: list[StrideResult], metric_ids: list[str]) -> dict[str, dict[str, Stat]]:
    """Per metric: median and IQR for left, right and both feet."""
    out: dict[str, dict[str, Stat]] = {}
    for mid in metric_ids:
        per_side = {foot.value: describe([s.metrics.get(mid) for s in strides if s.foot is foot])
                    for foot in Side}
        per_side["both"] = describe([s.metrics.get(mid) for s in strides])
        out[mid] = per_side
    return out
