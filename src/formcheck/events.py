"""Gait events: initial contact (IC) and toe-off (TO) per foot, in side views.

Method (works on a treadmill and overground, with a fixed, hand-held or panning camera):
0. The camera's vertical motion, measured from the background by the pose step
   (`PoseTrack.ground_shift`), is removed, so image heights are heights over the ground.
1. The foot's lowest image point (heel or toe, whichever is lower) is tracked per foot.
2. A local ground line per foot is the high percentile of its lowest points over a sliding
   window of ~2 s (robust to slow camera tilt).
3. A foot is on the ground while its lowest point is within `contact_height_leg` leg lengths
   of that line; runs of contact give candidate stances, and toe-off is the first frame after
   a run (the toe pivots in place until it lifts).
4. IC is timed from velocity: from contact on the foot moves with the ground (the belt, or
   the ground under a panning camera), so IC is the sub-frame instant at which the heel's or
   toe's forward speed relative to the ground falls below a fraction of the running speed.
5. Stances that are too short, or that would give an impossible cadence, are discarded;
   left/right alternation is checked and reported.

Compared with Zeni's method (foot position relative to the pelvis) this does not assume a
heel strike and does not fire early for overstriders; compared with acceleration peaks
(Handsaker 2016) it is far less sensitive to landmark jitter at 30 fps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter, percentile_filter
from scipy.stats import theilslopes

from formcheck.cleaning import true_runs
from formcheck.config import EventConfig
from formcheck.landmarks import LEFT_HIP, LEG, RIGHT_HIP, Side
from formcheck.track import PoseTrack

# The thresholds, with their reasons, are in `config.EventConfig` ([events]).


@dataclass(frozen=True)
class Stance:
    foot: Side
    ic_frame: int
    to_frame: int  # first frame with the foot airborne
    ic_time_s: float
    to_time_s: float
    midstance_frame: int | None = None

    @property
    def midstance(self) -> int:
        return self.midstance_frame if self.midstance_frame is not None \
            else (self.ic_frame + self.to_frame) // 2


@dataclass(frozen=True)
class GaitEvents:
    stances: tuple[Stance, ...]  # sorted by IC time
    alternation_ok: float  # share of consecutive ICs that alternate feet
    cadence_spm: float

    def for_foot(self, foot: Side) -> list[Stance]:
        return [s for s in self.stances if s.foot is foot]


def heel_toe_y(track: PoseTrack, foot: Side) -> list[np.ndarray]:
    _, _, _, heel, toe = LEG[foot]
    return [track.image_xy[:, heel, 1], track.image_xy[:, toe, 1]]


def foot_low_point_y(track: PoseTrack, foot: Side) -> np.ndarray:
    """(T,) the lowest (largest y) of heel and toe."""
    _, _, _, heel, toe = LEG[foot]
    return np.fmax(track.image_xy[:, heel, 1], track.image_xy[:, toe, 1])


def ground_line_y(low: np.ndarray, fps: float, percentile: float,
                  window_s: float | None = None) -> np.ndarray:
    """(T,) local ground level in image y under one foot, from its lowest points.

    Each foot has its own line: in a side view the far foot lands further from the camera,
    which puts its ground contact higher in the image than the near foot's.
    """
    lowest = low
    filled = lowest.copy()
    bad = np.isnan(filled)
    if bad.all():
        return filled
    filled[bad] = np.nanmedian(lowest)
    window_s = EventConfig().ground_window_s if window_s is None else window_s
    window = max(5, int(round(window_s * fps)) | 1)
    return percentile_filter(filled, percentile, size=window, mode="nearest")


def detect_stances(track: PoseTrack, leg_px: float, config: EventConfig | None = None,
                   ) -> list[Stance]:
    """Stances per foot: found from the foot's height, timed from its velocity.

    The height above the local ground line finds each stance robustly but times it late: a
    landing foot is already low before it touches, and MediaPipe's heel lags at 30 fps. The
    timing therefore comes from what the physics gives: from contact on, the foot moves with
    the ground (the belt, or the ground under a panning camera). IC is the sub-frame instant at
    which the foot's forward speed relative to the ground falls below a fraction of the
    running speed. TO stays with the height cue (the toe pivots in place until it lifts, and
    its speed was less reliable on the rendered overstriders).
    """
    config = config or EventConfig()
    track = steadied(track)
    seeds = _height_stances(track, leg_px, config)
    forward = travel_direction(track)
    ground_v = ground_velocity(track, seeds, forward)
    run_speed = running_speed(track, ground_v, forward, seeds)
    t = track.time_s
    threshold = config.contact_speed_of_running * run_speed
    slower = {foot: np.fmin(*foot_relative_speed(track, foot, forward, ground_v).T)
              for foot in Side}  # the first of heel and toe to stop (NaN only if both are)
    stances: list[Stance] = []
    for foot, start, stop in seeds:
        ic_pos = _ic_crossing(slower[foot], start, stop, threshold, track.fps, config)
        ic = int(np.ceil(ic_pos - 1e-9))  # first frame at or after the contact instant
        to = stop
        if ic <= 0 or to - ic < min_stance_frames(track.fps, config):
            continue
        stances.append(Stance(foot, ic, to, _time_at(t, ic_pos), float(t[to])))
    stances.sort(key=lambda s: s.ic_time_s)
    return _drop_wrong_foot(_drop_implausible(stances, config), config.ambiguous_gap_steps)


def camera_lift_px(track: PoseTrack) -> np.ndarray:
    """(T,) how far the ground at the feet has moved up/down the image since the first frame.

    Summed from the background's frame-to-frame motion (`PoseTrack.ground_shift`); frames
    where it was not measured are interpolated. Zeros for a track without it.
    """
    if track.ground_shift is None or len(track.ground_shift) != track.n_frames:
        return np.zeros(track.n_frames)
    step = track.ground_shift[:, 1].astype(float)
    known = np.isfinite(step)
    if known.sum() < 2:
        return np.zeros(track.n_frames)
    frames = np.arange(track.n_frames)
    step = np.interp(frames, frames[known], step[known])
    step[0] = 0.0
    return np.cumsum(step)


def steadied(track: PoseTrack) -> PoseTrack:
    """The track with the camera's vertical shake and tilt removed (see `camera_lift_px`).

    A hand-held phone moves the ground line by more than a foot's lift at contact; after this
    the feet's heights are heights over the ground again. Side views only: there the belt and
    the ground of a tracking shot scroll horizontally, so the vertical part is the camera's
    own motion (seen from behind or in front the ground scrolls vertically).
    """
    lift = camera_lift_px(track)
    if not np.any(lift):
        return track
    xy = track.image_xy.copy()
    xy[:, :, 1] -= lift[:, None]
    return track.with_changes("events: vertical camera motion removed", image_xy=xy)


def min_stance_frames(fps: float, config: EventConfig | None = None) -> int:
    """Frames in the shortest possible running stance (`EventConfig.min_stance_s`)."""
    config = config or EventConfig()
    return max(2, int(round(config.min_stance_s * fps)))


def _height_stances(track: PoseTrack, leg_px: float, config: EventConfig,
                    ) -> list[tuple[Side, int, int]]:
    """Candidate stances [start, stop) per foot from the foot's height above its ground line."""
    threshold = config.contact_height_leg * leg_px
    out: list[tuple[Side, int, int]] = []
    for foot in Side:
        low = foot_low_point_y(track, foot)
        height = ground_line_y(low, track.fps, config.ground_percentile,
                               config.ground_window_s) - low
        on_ground = height < threshold
        for start, stop in true_runs(on_ground & np.isfinite(height)):
            ic = _refine_ic(heel_toe_y(track, foot), start, stop,
                            threshold * config.plateau_tolerance, config.stance_level_percentile)
            if stop - ic >= min_stance_frames(track.fps, config) and ic > 0 \
                    and stop < track.n_frames:
                out.append((foot, ic, stop))
    return out


def travel_direction(track: PoseTrack) -> int:
    """+1 when the runner faces image right (toes ahead of heels), −1 when facing left."""
    dx = [track.image_xy[:, LEG[f][4], 0] - track.image_xy[:, LEG[f][3], 0] for f in Side]
    return 1 if np.nanmedian(np.concatenate(dx)) >= 0 else -1


def _foot_forward_velocity(track: PoseTrack, foot: Side, forward: int) -> np.ndarray:
    """(T, 2) forward image velocity of heel and toe, px/s (container times: frames the
    phone dropped do not distort it)."""
    _, _, _, heel, toe = LEG[foot]
    x = track.image_xy[:, [heel, toe], 0] * forward
    return np.gradient(x, track.time_s, axis=0) if len(x) > 1 else np.zeros_like(x)


def ground_velocity(track: PoseTrack, seeds: list[tuple[Side, int, int]],
                    forward: int) -> np.ndarray:
    """(T,) forward image velocity of the ground (px/s): the stance feet's velocity.

    Zero for a fixed camera overground, the belt's speed on a treadmill, and the image speed
    of the ground under a camera panning with the runner. Each stance gives one sample (the
    median velocity of its middle half); samples are median-smoothed and interpolated in time.
    """
    times, values = [], []
    for foot, start, stop in seeds:
        quarter = max(1, (stop - start) // 4)
        mid = slice(start + quarter, max(stop - quarter, start + quarter + 1))
        v = _foot_forward_velocity(track, foot, forward)[mid]
        if np.isfinite(v).any():
            times.append(0.5 * (start + stop))
            values.append(float(np.nanmedian(v)))
    if not values:
        return np.zeros(track.n_frames)
    order = np.argsort(times)
    times_arr, values_arr = np.asarray(times)[order], np.asarray(values)[order]
    if len(values_arr) >= 5:
        values_arr = median_filter(values_arr, size=5, mode="nearest")
    return np.interp(np.arange(track.n_frames), times_arr, values_arr)


def running_speed(track: PoseTrack, ground_v: np.ndarray, forward: int,
                  seeds: list[tuple[Side, int, int]]) -> float:
    """The runner's speed over the ground in px/s (hip speed relative to the ground)."""
    hip = 0.5 * (track.image_xy[:, LEFT_HIP, 0] + track.image_xy[:, RIGHT_HIP, 0]) * forward
    hip_v = np.gradient(hip, track.time_s) if len(hip) > 1 else np.zeros_like(hip)
    speed = np.nanmedian(hip_v - ground_v) if np.isfinite(hip_v).any() else np.nan
    if not np.isfinite(speed) or speed <= 0:
        # fall back to the swing feet: a foot's peak speed is about twice the running speed
        peaks = [np.nanpercentile(_foot_forward_velocity(track, f, forward)[:, 0] - ground_v, 95)
                 for f in Side]
        speed = 0.5 * float(np.nanmax(peaks)) if seeds else 1.0
    return float(max(speed, 1e-3))


def foot_relative_speed(track: PoseTrack, foot: Side, forward: int,
                        ground_v: np.ndarray) -> np.ndarray:
    """(T, 2) forward speed of heel and toe relative to the ground (px/s)."""
    return _foot_forward_velocity(track, foot, forward) - ground_v[:, None]


def _ic_crossing(relative: np.ndarray, start: int, stop: int, threshold: float,
                 fps: float, config: EventConfig) -> float:
    """Sub-frame index where the foot's relative speed falls below `threshold` at landing.

    Searched back from the height-based contact to the swing's speed peak; the height-based
    frame is kept when no crossing is found (e.g. a hidden foot).
    """
    lo = max(1, start - int(round(config.ic_search_before_s * fps)))
    hi = min(stop - 1, start + int(round(config.ic_search_after_s * fps)))
    if hi <= lo or not np.isfinite(relative[lo:hi + 1]).all():
        return float(start)
    peak = lo + int(np.argmax(relative[lo:start + 1]))
    below = np.flatnonzero(relative[peak:hi + 1] < threshold)
    if not below.size or below[0] == 0:
        return float(start)
    k = peak + int(below[0])
    a, b = relative[k - 1], relative[k]
    return (k - 1) + float((a - threshold) / (a - b))


def _time_at(time_s: np.ndarray, position: float) -> float:
    """Container time at a fractional frame index (linear between frames)."""
    return float(np.interp(position, np.arange(len(time_s)), time_s))


def _refine_ic(points_y: list[np.ndarray], start: int, stop: int, tolerance_px: float,
               level_percentile: float) -> int:
    """The first frame at which the heel or the toe reaches its own stance level.

    Each point's stance level is a high percentile of its y over the candidate stance
    (robust to the heel rising before toe-off). The heel decides for a rearfoot strike, the
    toe for a forefoot strike; comparing each point with its own level removes the bias of a
    fixed height threshold and of MediaPipe placing heel and toe at different heights.
    """
    lo = max(0, start - 3)
    first = start
    for y in points_y:
        level = np.nanpercentile(y[start:stop], level_percentile)
        reached = np.flatnonzero(y[lo:stop] >= level - tolerance_px)
        if reached.size:
            first = min(first, lo + int(reached[0]))
    return first


def _drop_implausible(stances: list[Stance], config: EventConfig) -> list[Stance]:
    """Remove stances that start too soon after the same foot's previous one."""
    min_stride_s = 2 * 60.0 / config.max_cadence_spm
    kept: list[Stance] = []
    last: dict[Side, Stance] = {}
    for stance in stances:
        prev = last.get(stance.foot)
        if prev is not None and stance.ic_time_s - prev.ic_time_s < min_stride_s:
            if stance.to_time_s - stance.ic_time_s > prev.to_time_s - prev.ic_time_s:
                kept.remove(prev)
            else:
                continue
        kept.append(stance)
        last[stance.foot] = stance
    return kept


def step_numbers(times: np.ndarray, step_s: float) -> np.ndarray:
    """Step number of each IC from the gaps between them (a gap of about two steps is a
    missed IC)."""
    gaps = np.maximum(1, np.round(np.diff(times) / step_s))
    return np.concatenate([[0.0], np.cumsum(gaps)])


def _drop_wrong_foot(stances: list[Stance], ambiguous_gap: float) -> list[Stance]:
    """Drop strikes given to the wrong foot.

    Feet alternate, so within a stretch of regular steps every even-numbered step belongs to
    one foot and every odd one to the other. When MediaPipe puts the hidden far leg onto the
    near one, the near foot's strike is reported for the far foot: that strike contradicts
    its step's parity (and its landmarks are not that foot's), so it is dropped, not guessed.
    A gap more than `ambiguous_gap` steps from a whole number of steps restarts the count.
    """
    alternating = [b.ic_time_s - a.ic_time_s for a, b in zip(stances, stances[1:], strict=False)
                   if a.foot is not b.foot]
    if len(stances) < 6 or len(alternating) < 3:
        return stances
    step_s = float(np.median(alternating))
    times = np.array([s.ic_time_s for s in stances])
    ratios = np.diff(times) / step_s
    breaks = np.flatnonzero(np.abs(ratios - np.round(ratios)) > ambiguous_gap) + 1
    kept: list[Stance] = []
    for piece in np.split(np.arange(len(stances)), breaks):
        numbers = step_numbers(times[piece], step_s).astype(int) % 2
        feet = [stances[i].foot for i in piece]
        owner = {}
        for parity in (0, 1):
            votes = [f for f, p in zip(feet, numbers, strict=True) if p == parity]
            left = sum(f is Side.LEFT for f in votes)
            if votes and 2 * left != len(votes):
                owner[parity] = Side.LEFT if 2 * left > len(votes) else Side.RIGHT
        if len(piece) < 4 or len(owner) < 2 or owner[0] is owner[1]:
            kept.extend(stances[i] for i in piece)
            continue
        kept.extend(stances[i] for i, p in zip(piece, numbers, strict=True)
                    if stances[i].foot is owner[p])
    return kept


def cadence_from_stances(stances: list[Stance] | tuple[Stance, ...],
                         config: EventConfig | None = None) -> float:
    """Steps per minute: a robust line through IC times against step number.

    Each IC gets a step number from the gaps between ICs and a first estimate of the step
    time (the median time between alternating ICs), so missed steps do not bias the result;
    the Theil–Sen slope of time against step number is the step time. Unlike a median of
    frame differences this is not quantised to whole frames (at 30 fps, 10 vs 11 frames
    is 180 vs 164 steps/min).
    """
    config = config or EventConfig()
    lo, hi = 60 / config.max_cadence_spm, 60 / config.min_cadence_spm
    times = np.array([s.ic_time_s for s in stances])
    steps = [b.ic_time_s - a.ic_time_s for a, b in zip(stances, stances[1:], strict=False)
             if a.foot is not b.foot]
    steps = [s for s in steps if lo <= s <= hi]
    if len(steps) < 2:
        return float("nan")
    first_guess = float(np.median(steps))
    # Number the steps gap by gap, so that a first guess that is off by a few percent does
    # not accumulate over the clip.
    numbers = step_numbers(times, first_guess)
    if len(np.unique(numbers)) < 3:
        return float(60.0 / first_guess)
    slope = theilslopes(times, numbers).slope
    return float(60.0 / slope) if lo <= slope <= hi else float(60.0 / first_guess)


def detect_events(track: PoseTrack, leg_px: float, config: EventConfig | None = None,
                  ) -> GaitEvents:
    stances = detect_stances(track, leg_px, config)
    pairs = list(zip(stances, stances[1:], strict=False))
    alternation = (sum(a.foot is not b.foot for a, b in pairs) / len(pairs)) if pairs else 0.0
    return GaitEvents(tuple(stances), alternation, cadence_from_stances(stances, config))
