"""Scale and camera roll from the track itself: leg length in pixels, ground-line tilt."""

from __future__ import annotations

import numpy as np

from formcheck.events import GaitEvents, foot_low_point_y
from formcheck.landmarks import LEG, Side
from formcheck.track import PoseTrack

MAX_ROLL_DEG = 15.0
# thigh + shank over hip-joint height (Winter's anthropometry: 0.491 H / 0.530 H), for views
# where the ankle height cannot be measured
SEGMENTS_PER_LEG = 0.926


def stance_mask(n_frames: int, events: GaitEvents, foot: Side | None = None) -> np.ndarray:
    mask = np.zeros(n_frames, bool)
    for s in events.stances:
        if foot is None or s.foot is foot:
            mask[s.ic_frame:s.to_frame] = True
    return mask


def leg_length_px(track: PoseTrack, near: Side, events: GaitEvents | None = None,
                  percentile: float = 50.0) -> float:
    """Hip-joint height when standing, in pixels: thigh + shank + ankle height.

    Lengths come from the leg nearer the camera (the far one is often occluded); the ankle
    height is the ankle above the heel landmark while the foot is flat in stance. Without
    events, thigh + shank are scaled by `SEGMENTS_PER_LEG`. In rear/front views the bent
    leg is foreshortened, so callers pass a high `percentile` of the segment lengths.
    """
    hip, knee, ankle, heel, _ = LEG[near]
    xy = track.image_xy
    thigh = np.nanpercentile(np.linalg.norm(xy[:, knee] - xy[:, hip], axis=1), percentile)
    shank = np.nanpercentile(np.linalg.norm(xy[:, ankle] - xy[:, knee], axis=1), percentile)
    if events is not None:
        mask = stance_mask(track.n_frames, events, near)
        if mask.any():
            ankle_height = float(np.nanmedian(xy[mask, heel, 1] - xy[mask, ankle, 1]))
            return float(thigh + shank + max(ankle_height, 0.0))
    return float((thigh + shank) / SEGMENTS_PER_LEG)


def ground_roll_deg(track: PoseTrack, events: GaitEvents, leg_px: float) -> float:
    """Camera roll from the slope of the stance feet's lowest points (0 if undetermined).

    Each foot is centred on its own mean (the far foot lands higher in the image), then one
    slope is fitted to both. Positive = the ground rises toward image right.
    """
    xs, ys = [], []
    for foot in Side:
        mask = stance_mask(track.n_frames, events, foot)
        _, _, _, heel, toe = LEG[foot]
        low_y = foot_low_point_y(track, foot)[mask]
        low_x = np.where(track.image_xy[mask, heel, 1] >= track.image_xy[mask, toe, 1],
                         track.image_xy[mask, heel, 0], track.image_xy[mask, toe, 0])
        ok = np.isfinite(low_x) & np.isfinite(low_y)
        if ok.sum() < 10:
            continue
        xs.append(low_x[ok] - low_x[ok].mean())
        ys.append(low_y[ok] - low_y[ok].mean())
    if not xs:
        return 0.0
    x, y = np.concatenate(xs), np.concatenate(ys)
    if np.ptp(x) < 0.3 * leg_px:
        return 0.0
    slope = float(np.polyfit(x, y, 1)[0])
    roll = float(np.degrees(np.arctan(-slope)))
    return roll if abs(roll) <= MAX_ROLL_DEG else 0.0
