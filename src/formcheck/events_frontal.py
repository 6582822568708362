"""Gait events in rear and front views.

Seen from behind or in front, the foot's image height mixes lift with depth (on a treadmill
the stance foot travels toward or away from the camera), and MediaPipe's rear-view feet are
unreliable (the swinging foot is often placed on the belt). The pelvis is reliable:

1. Midstance of each step = a low point of the hip midpoint (the body is lowest in mid-stance).
2. The stance foot = the foot whose ankle is lower in the image at that moment.
3. Initial contact / toe-off = where the stance ankle leaves its mid-stance height by more
   than `contact_height_leg` leg lengths, searched within `frontal_search_steps` (0.6) step
   before / after.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import find_peaks

from formcheck.config import EventConfig
from formcheck.events import GaitEvents, Stance, cadence_from_stances
from formcheck.landmarks import LEFT_ANKLE, LEFT_HIP, RIGHT_ANKLE, RIGHT_HIP, Side
from formcheck.track import PoseTrack


def midstance_frames(track: PoseTrack, leg_px: float, config: EventConfig) -> np.ndarray:
    """Frames where the hip midpoint is lowest in each step."""
    hip_y = 0.5 * (track.image_xy[:, LEFT_HIP, 1] + track.image_xy[:, RIGHT_HIP, 1])
    filled = np.where(np.isfinite(hip_y), hip_y, np.nanmedian(hip_y))
    min_step_frames = max(2, int(config.frontal_min_step_share * 60.0
                                 / config.max_cadence_spm * track.fps))
    peaks, _ = find_peaks(filled, distance=min_step_frames,
                          prominence=config.frontal_min_dip_leg * leg_px)
    return peaks[np.isfinite(hip_y[peaks])]


def detect_events_frontal(track: PoseTrack, leg_px: float,
                          config: EventConfig | None = None) -> GaitEvents:
    config = config or EventConfig()
    t = track.time_s
    ankles = {Side.LEFT: track.image_xy[:, LEFT_ANKLE, 1],
              Side.RIGHT: track.image_xy[:, RIGHT_ANKLE, 1]}
    mids = midstance_frames(track, leg_px, config)
    if len(mids) < 2:
        return GaitEvents((), 0.0, float("nan"))
    step = int(np.median(np.diff(mids)))
    reach = max(2, int(config.frontal_search_steps * step))
    threshold = config.contact_height_leg * leg_px
    stances = []
    for m in mids:
        foot = Side.LEFT if ankles[Side.LEFT][m] > ankles[Side.RIGHT][m] else Side.RIGHT
        y = ankles[foot]
        level = y[m]
        lo, hi = max(1, m - reach), min(track.n_frames - 1, m + reach)
        before = np.flatnonzero(~(y[lo:m + 1] >= level - threshold))
        after = np.flatnonzero(~(y[m:hi + 1] >= level - threshold))
        ic = lo + int(before[-1]) + 1 if before.size else lo
        to = m + int(after[0]) if after.size else hi
        if to - ic < 2:
            continue
        stances.append(Stance(foot, ic, to, float(t[ic]), float(t[to]), int(m)))
    pairs = list(zip(stances, stances[1:], strict=False))
    alternation = (sum(a.foot is not b.foot for a, b in pairs) / len(pairs)) if pairs else 0.0
    return GaitEvents(tuple(stances), alternation, cadence_from_stances(stances, config))
