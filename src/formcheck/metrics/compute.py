"""Apply the registry to every stride and summarise per side."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from formcheck.cleaning import torso_length_px
from formcheck.events import GaitEvents
from formcheck.landmarks import LEFT_HIP, RIGHT_HIP, Side
from formcheck.metrics import frontal as frontal_metrics  # registers the frontal metrics
from formcheck.metrics import side as _side  # noqa: F401
from formcheck.metrics.context import FrontalGeometry, FrontalStrideContext, StrideContext
from formcheck.metrics.geometry import rotate_points
from formcheck.metrics.registry import MetricDef, metrics_for
from formcheck.schema import MetricSummary, Stat
from formcheck.track import PoseTrack
from formcheck.view import View


@dataclass(frozen=True)
class StrideResult:
    foot: Side
    ic_frame: int
    to_frame: int
    ic_time_s: float
    metrics: dict[str, float | None]
    midstance_frame: int | None = None


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
    frontal: FrontalGeometry | None = None
    if not view.is_side:
        tilt, source = pelvis_tilt_series(track, xy, view)
        frontal = FrontalGeometry(left_image_sign=view.left_image_sign, world=track.world_xyz,
                                  hip_width_px=hip_width_px(track), pelvis_tilt_deg=tilt,
                                  pelvis_source=source)
    contexts = []
    stances = list(events.stances)
    for i, stance in enumerate(stances):
        later = stances[i + 1:]
        same = next((s.ic_frame for s in later if s.foot is stance.foot), None)
        other = next((s.ic_frame for s in later if s.foot is not stance.foot), None)
        if other is not None and same is not None and other > same:
            other = None  # the other foot's contact was missed: no flight time
        earlier = [s for s in stances[:i] if s.foot is not stance.foot]
        previous_other = earlier[-1].midstance if earlier and \
            stances[i - 1].foot is not stance.foot else None
        context = StrideContext(
            foot=stance.foot, ic=stance.ic_frame, to=stance.to_frame, next_ic_same=same,
            next_ic_other=other, time_s=track.time_s, xy=xy, forward=view.forward_sign,
            leg_px=leg_px, trunk_px=trunk_px, leg_cm=leg_cm, back_concavity=concavity,
            midstance=stance.midstance, previous_other=previous_other,
            ic_at=float(np.interp(stance.ic_time_s, track.time_s, np.arange(track.n_frames))))
        contexts.append(context if frontal is None
                        else FrontalStrideContext.of(context, frontal))
    return contexts


def hip_width_px(track: PoseTrack) -> float:
    d = track.image_xy[:, LEFT_HIP] - track.image_xy[:, RIGHT_HIP]
    return float(np.nanmedian(np.hypot(d[:, 0], d[:, 1])))


MIN_WAIST_CONTRAST = 20.0  # colour-edge contrast (0–255) below which the waistband is not used
MIN_WAIST_SHARE = 0.6  # share of frames that must have a usable waistband edge


def pelvis_tilt_series(track: PoseTrack, levelled_xy: np.ndarray, view: View,
                       ) -> tuple[np.ndarray, str]:
    """Frontal pelvis tilt per frame (+ = runner's right lower), relative to the median.

    The waistband edge is used when it is visible in most frames; otherwise the hip
    landmarks, which under-read pelvic drop (see `pose/waistline.py`) — the caller says so.
    """
    if track.waist_line is not None and len(track.waist_line):
        angle, contrast = track.waist_line[:, 0], track.waist_line[:, 1]
        usable = np.isfinite(angle) & (contrast >= MIN_WAIST_CONTRAST)
        if usable.mean() >= MIN_WAIST_SHARE:
            series = np.where(usable, angle * -view.left_image_sign, np.nan)
            return series - np.nanmedian(series), "waistband edge"
    series = frontal_metrics.hip_line_deg(levelled_xy)
    return series - np.nanmedian(series), "hip landmarks"


def frontal_roll_deg(track: PoseTrack) -> float:
    """Camera roll in a rear/front view: the median tilt of the hip line over whole gait
    cycles (the runner's own neutral), + = the picture's horizon rises toward image right."""
    d = track.image_xy[:, RIGHT_HIP] - track.image_xy[:, LEFT_HIP]
    d = d * np.sign(d[:, :1])  # measured from the image-left hip to the image-right hip
    angles = np.degrees(np.arctan2(d[:, 1], d[:, 0]))
    return float(-np.nanmedian(angles)) if np.isfinite(angles).any() else 0.0


def compute_strides(contexts: list[StrideContext], view_family: str,
                    ) -> tuple[list[StrideResult], list[MetricDef]]:
    defs = [m for m in metrics_for(view_family)
            if not (m.needs_height and contexts and contexts[0].leg_cm is None)]
    results = []
    for c in contexts:
        values = {m.id: m.compute(c) for m in defs}
        results.append(StrideResult(c.foot, c.ic, c.to, float(c.time_s[c.ic]), values,
                                    c.midstance))
    return results, defs


def describe(values: list[float | None]) -> Stat:
    arr = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=float)
    if arr.size == 0:
        return Stat(median=None, iqr=None, n=0)
    q1, med, q3 = np.percentile(arr, [25, 50, 75])
    return Stat(median=float(med), iqr=float(q3 - q1), n=int(arr.size))


def summarise(strides: list[StrideResult], metric_ids: list[str]) -> dict[str, MetricSummary]:
    """Per metric: median and IQR for left, right and both feet (unrounded)."""
    out: dict[str, MetricSummary] = {}
    for mid in metric_ids:
        out[mid] = MetricSummary(
            left=describe([s.metrics.get(mid) for s in strides if s.foot is Side.LEFT]),
            right=describe([s.metrics.get(mid) for s in strides if s.foot is Side.RIGHT]),
            both=describe([s.metrics.get(mid) for s in strides]))
    return out
