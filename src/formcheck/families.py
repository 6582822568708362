"""View families: what differs between a side view and a rear/front view, chosen once.

A family bundles the stage choices that depend on the camera's view: the leg-length rule, the
checks before events, the event detector, the camera-roll estimate, the metric set (the
registry's family name) and the metric drawn on the key frames. `pipeline.py` asks
`family_of(view)` once and then runs the same straight line of stages for every view.

Adding a view family: write its event detector and roll estimate, register its metrics with
its name (`metrics/registry.py`), and add one `ViewFamily` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from formcheck.config import Config
from formcheck.events import GaitEvents, detect_events
from formcheck.events_frontal import detect_events_frontal
from formcheck.landmarks import Side
from formcheck.metrics.compute import StrideResult, frontal_roll_deg
from formcheck.metrics.scale import ground_roll_deg, leg_length_px
from formcheck.plausibility import check_camera_motion
from formcheck.quality import QualityReport, check_frontal
from formcheck.track import PoseTrack
from formcheck.view import View

EventDetector = Callable[[PoseTrack, float, Config], GaitEvents]


@dataclass(frozen=True)
class ViewFamily:
    """The stage choices of one family of views."""

    name: str  # the registry's family: which metrics are measured
    leg_percentile: float  # of the per-frame leg length, before events are known
    key_metric: str  # drawn on the key frames
    key_at_contact: bool  # key frame at initial contact (else at midstance)
    _prepare: Callable[[PoseTrack, float, Config, QualityReport], None]
    _events: EventDetector
    _roll: Callable[[PoseTrack, GaitEvents, float], float]
    _leg_after_events: bool

    def near_leg(self, view: View) -> Side | None:
        """The leg facing the camera (side views), whose lengths set the scale."""
        if not view.is_side:
            return None
        return Side.RIGHT if view is View.SIDE_RIGHT else Side.LEFT

    def scale_leg(self, view: View) -> Side:
        return self.near_leg(view) or Side.LEFT

    def leg_px(self, track: PoseTrack, view: View) -> float:
        return leg_length_px(track, self.scale_leg(view), percentile=self.leg_percentile)

    def prepare(self, track: PoseTrack, leg_px: float, config: Config,
                report: QualityReport) -> None:
        """Checks that must pass before events are sought (they may add refusals)."""
        self._prepare(track, leg_px, config, report)

    def events(self, track: PoseTrack, leg_px: float, config: Config) -> GaitEvents:
        return self._events(track, leg_px, config)

    def refine_leg_px(self, track: PoseTrack, view: View, events: GaitEvents,
                      leg_px: float) -> float:
        """A better leg length once the stances are known (ankle height in stance)."""
        if not self._leg_after_events:
            return leg_px
        return leg_length_px(track, self.scale_leg(view), events)

    def roll_deg(self, track: PoseTrack, events: GaitEvents, leg_px: float) -> float:
        return self._roll(track, events, leg_px)

    def key_frame(self, stride: StrideResult) -> int:
        if self.key_at_contact:
            return stride.ic_frame
        return stride.midstance_frame or stride.ic_frame


def _side_prepare(track: PoseTrack, leg_px: float, config: Config,
                  report: QualityReport) -> None:
    # Seen from the side, the belt and a tracking shot's ground scroll horizontally, so
    # vertical ground motion is the camera's own (front/rear: the ground scrolls vertically).
    check_camera_motion(track, config.events.contact_height_leg * leg_px, report,
                        config.plausibility)


def _frontal_prepare(track: PoseTrack, leg_px: float, config: Config,
                     report: QualityReport) -> None:
    check_frontal(track, config.quality, report)


SIDE = ViewFamily(
    name="side", leg_percentile=50.0, key_metric="knee_flexion_ic_deg", key_at_contact=True,
    _prepare=_side_prepare,
    _events=lambda track, leg_px, config: detect_events(track, leg_px, config.events),
    _roll=ground_roll_deg, _leg_after_events=True)

FRONTAL = ViewFamily(
    # the bent stance knee shortens the leg in the image: take a high percentile
    name="frontal", leg_percentile=90.0, key_metric="knee_fppa_deg", key_at_contact=False,
    _prepare=_frontal_prepare,
    _events=lambda track, leg_px, config: detect_events_frontal(track, leg_px, config.events),
    _roll=lambda track, events, leg_px: frontal_roll_deg(track), _leg_after_events=False)


def family_of(view: View) -> ViewFamily:
    """The family a view belongs to."""
    return SIDE if view.is_side else FRONTAL
