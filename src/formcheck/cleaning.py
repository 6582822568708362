"""Track cleaning: identity jumps, short gaps, left/right leg swaps, zero-lag low-pass.

Each function takes a PoseTrack and returns a new one with the step recorded in its provenance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, sosfiltfilt

from formcheck.config import CleaningConfig
from formcheck.landmarks import (
    LEFT_ANKLE,
    LEFT_HIP,
    LEFT_KNEE,
    LEFT_SHOULDER,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    SWAP_PAIRS,
)
from formcheck.track import PoseTrack


@dataclass(frozen=True)
class CleaningReport:
    dropped_identity_frames: int
    filled_frames: int
    swapped_frames: int
    lowpass_hz: float


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the runs of True in a boolean vector."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def torso_length_px(track: PoseTrack) -> np.ndarray:
    """(T,) distance from hip midpoint to shoulder midpoint."""
    d = track.midpoint(LEFT_SHOULDER, RIGHT_SHOULDER) - track.midpoint(LEFT_HIP, RIGHT_HIP)
    return np.hypot(d[:, 0], d[:, 1])


def leg_segment_px(track: PoseTrack) -> float:
    """Typical thigh+shank length in pixels (robust over frames), used for scale-free costs."""
    xy = track.image_xy
    thigh = np.linalg.norm(xy[:, LEFT_KNEE] - xy[:, LEFT_HIP], axis=1)
    shank = np.linalg.norm(xy[:, LEFT_ANKLE] - xy[:, LEFT_KNEE], axis=1)
    value = np.nanmedian(thigh + shank) if np.isfinite(thigh + shank).any() else np.nan
    return float(value)


def drop_identity_jumps(track: PoseTrack, config: CleaningConfig) -> tuple[PoseTrack, int]:
    """Drop frames where the tracker jumped to someone else, keeping the main runner.

    The detected frames are split at jumps of the hip midpoint (> `identity_jump_torso` torso
    lengths between consecutive frames) or of body size (> `identity_size_jump`×). The longest
    piece is the runner; other pieces are kept only if their size matches it within
    `identity_size_match`.
    """
    detected = track.detected
    if detected.sum() < 3:
        return track, 0
    hip = track.midpoint(LEFT_HIP, RIGHT_HIP)
    torso = torso_length_px(track)
    idx = np.flatnonzero(detected)
    step = np.hypot(*(hip[idx[1:]] - hip[idx[:-1]]).T)
    ratio = torso[idx[1:]] / np.maximum(torso[idx[:-1]], 1e-6)
    scale = np.minimum(torso[idx[1:]], torso[idx[:-1]])
    jump = config.identity_size_jump
    breaks = (step > config.identity_jump_torso * scale) | (ratio > jump) | (ratio < 1 / jump)
    pieces = np.split(idx, np.flatnonzero(breaks) + 1)
    main = max(pieces, key=len)
    main_size = np.nanmedian(torso[main])
    keep = np.zeros(track.n_frames, bool)
    for piece in pieces:
        if abs(np.nanmedian(torso[piece]) / main_size - 1) <= config.identity_size_match:
            keep[piece] = True
    dropped = int(detected.sum() - keep.sum())
    if dropped == 0:
        return track, 0
    return _mask_frames(track, keep, "cleaning: dropped frames of another person"), dropped


def _mask_frames(track: PoseTrack, keep: np.ndarray, step: str) -> PoseTrack:
    xy, vis, world = track.image_xy.copy(), track.visibility.copy(), track.world_xyz.copy()
    xy[~keep], vis[~keep], world[~keep] = np.nan, 0.0, np.nan
    changes: dict[str, object] = {"image_xy": xy, "visibility": vis, "world_xyz": world}
    for name in ("back_concavity", "waist_line"):
        values = getattr(track, name)
        if values is not None:
            values = values.copy()
            values[~keep] = np.nan
            changes[name] = values
    return track.with_changes(step, **changes)


def _interpolate_short_gaps(t: np.ndarray, values: np.ndarray, max_gap_s: float) -> np.ndarray:
    """Linear interpolation over NaN runs (along axis 0) no longer than `max_gap_s`."""
    flat = values.reshape(len(t), -1).copy()
    missing = np.isnan(flat).all(axis=1)
    good = ~missing
    if good.sum() < 2 or not missing.any():
        return values
    fill = np.zeros_like(missing)
    for start, stop in true_runs(missing):
        if start == 0 or stop == len(t):
            continue
        if t[stop] - t[start - 1] <= max_gap_s + 1e-9:
            fill[start:stop] = True
    if not fill.any():
        return values
    for ch in range(flat.shape[1]):
        ok = ~np.isnan(flat[:, ch])
        if ok.sum() >= 2:
            flat[fill, ch] = np.interp(t[fill], t[ok], flat[ok, ch])
    return flat.reshape(values.shape)


def fill_gaps(track: PoseTrack, config: CleaningConfig) -> tuple[PoseTrack, int]:
    """Interpolate dropouts no longer than `config.max_gap_s`."""
    before = int((~track.detected).sum())
    t = track.time_s
    xy = _interpolate_short_gaps(t, track.image_xy, config.max_gap_s)
    world = _interpolate_short_gaps(t, track.world_xyz, config.max_gap_s)
    filled_mask = ~np.isnan(xy[:, :, 0]).all(axis=1) & ~track.detected
    vis = track.visibility.copy()
    vis[filled_mask] = 0.5 * np.nanmin(track.visibility[track.detected], axis=0) \
        if track.detected.any() else 0.0
    filled = before - int(np.isnan(xy[:, :, 0]).all(axis=1).sum())
    if filled == 0:
        return track, 0
    return track.with_changes(f"cleaning: filled gaps ≤ {config.max_gap_s:.2f} s",
                              image_xy=xy, world_xyz=world, visibility=vis), filled


def detect_leg_swaps(track: PoseTrack, switch_cost_leg: float,
                     swapped_frame_cost_leg: float = 0.02) -> np.ndarray:
    """(T,) True where MediaPipe's left/right lower-leg labels are swapped.

    A Viterbi chain over frames whose hidden state is "labels swapped in this frame"; the
    cost of a labelling is how far each leg's points move from one frame to the next. Each
    change of state costs `switch_cost_leg` leg lengths. (A second-order, constant-velocity
    cost was tried and did worse on the rendered clips: MediaPipe's jitter dominates the
    acceleration of the feet.) Continuity
    alone cannot tell a stretch that is swapped throughout, so every frame relabelled costs
    `swapped_frame_cost_leg`: MediaPipe's own labels win unless the swap explains a jump.
    """
    left = track.image_xy[:, [a for a, _ in SWAP_PAIRS]]
    right = track.image_xy[:, [b for _, b in SWAP_PAIRS]]
    scale = leg_segment_px(track)
    swapped = np.zeros(track.n_frames, bool)
    if not np.isfinite(scale) or scale <= 0:
        return swapped
    valid = ~np.isnan(left).any(axis=(1, 2)) & ~np.isnan(right).any(axis=(1, 2))
    for start, stop in true_runs(valid):
        if stop - start < 4:
            continue
        swapped[start:stop] = _viterbi_swaps(left[start:stop] / scale,
                                             right[start:stop] / scale, switch_cost_leg,
                                             swapped_frame_cost_leg)
    return swapped


def _continuity_costs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(T-1, 2, 2) cost of labellings (s[t-1], s[t]): how far each leg moves between frames.

    `a`, `b`: (T, K, 2) the two legs' points as MediaPipe labels them.
    """
    legs = np.stack([np.stack([a, b]), np.stack([b, a])])  # [state, leg, T, K, 2]
    p1 = legs[:, :, :-1][:, None]  # state at t-1
    p2 = legs[:, :, 1:][None, :]  # state at t
    residual = np.linalg.norm(p2 - p1, axis=-1).mean(axis=-1).sum(axis=2)
    return np.moveaxis(residual, 2, 0)  # (T-1, s1, s2)


def _viterbi_swaps(a: np.ndarray, b: np.ndarray, switch_cost: float,
                   swapped_cost: float) -> np.ndarray:
    """Minimum-cost swap states for one run of frames."""
    step = _continuity_costs(a, b) + switch_cost * np.array([[0.0, 1.0], [1.0, 0.0]])
    step += swapped_cost * np.array([0.0, 1.0])
    n = len(a)
    cost = swapped_cost * np.arange(2.0)
    back = np.zeros((n, 2), dtype=np.int8)
    for t in range(1, n):
        total = cost[:, None] + step[t - 1]  # [s_prev, s]
        back[t] = np.argmin(total, axis=0)
        cost = total.min(axis=0)
    states = np.zeros(n, dtype=bool)
    states[-1] = bool(np.argmin(cost))
    for t in range(n - 1, 0, -1):
        states[t - 1] = bool(back[t, int(states[t])])
    return states


def correct_leg_swaps(track: PoseTrack, config: CleaningConfig) -> tuple[PoseTrack, int]:
    """Relabel the lower-leg landmarks in frames detected as swapped."""
    swapped = detect_leg_swaps(track, config.swap_switch_cost_leg)
    n = int(swapped.sum())
    if n == 0:
        return track, 0
    xy, vis, world = track.image_xy.copy(), track.visibility.copy(), track.world_xyz.copy()
    for a, b in SWAP_PAIRS:
        for arr in (xy, vis, world):
            arr[swapped, a], arr[swapped, b] = arr[swapped, b].copy(), arr[swapped, a].copy()
    return track.with_changes(f"cleaning: corrected left/right leg swaps in {n} frames",
                              image_xy=xy, visibility=vis, world_xyz=world), n


def effective_cutoff_hz(fps: float, config: CleaningConfig) -> float:
    return min(config.lowpass_hz, config.lowpass_max_of_fps * fps)


def lowpass(track: PoseTrack, config: CleaningConfig) -> PoseTrack:
    """Zero-lag Butterworth low-pass (sosfiltfilt) per run of valid frames.

    Variable-frame-rate clips are resampled to a uniform grid at the median rate, filtered,
    and sampled back at the original timestamps.
    """
    fps = track.fps
    cutoff = effective_cutoff_hz(fps, config)
    sos = butter(config.lowpass_order, cutoff, fs=fps, output="sos")
    xy, world = track.image_xy.copy(), track.world_xyz.copy()
    valid = ~np.isnan(xy[:, :, 0]).all(axis=1)
    for start, stop in true_runs(valid):
        t = track.time_s[start:stop]
        if stop - start < 16:
            continue
        for arr in (xy, world):
            arr[start:stop] = _filter_uniform(t, arr[start:stop], sos, fps)
    return track.with_changes(
        f"cleaning: Butterworth low-pass {cutoff:.1f} Hz, order {config.lowpass_order}, zero lag",
        image_xy=xy, world_xyz=world)


def _filter_uniform(t: np.ndarray, values: np.ndarray, sos: np.ndarray, fps: float) -> np.ndarray:
    flat = values.reshape(len(t), -1)
    ok_cols = ~np.isnan(flat).any(axis=0)
    if not ok_cols.any():  # e.g. a backend without world coordinates: nothing to filter
        return values
    grid = np.arange(t[0], t[-1] + 0.5 / fps, 1.0 / fps)
    uniform = np.column_stack([np.interp(grid, t, flat[:, c]) for c in np.flatnonzero(ok_cols)])
    padlen = min(3 * (2 * len(sos) + 1), len(grid) - 1)
    smooth = sosfiltfilt(sos, uniform, axis=0, padlen=padlen)
    out = flat.copy()
    for j, c in enumerate(np.flatnonzero(ok_cols)):
        out[:, c] = np.interp(t, grid, smooth[:, j])
    return out.reshape(values.shape)


def clean_track(track: PoseTrack, config: CleaningConfig | None = None,
                correct_swaps: bool = True) -> tuple[PoseTrack, CleaningReport]:
    """The whole cleaning stage in its fixed order."""
    config = config or CleaningConfig()
    track, dropped = drop_identity_jumps(track, config)
    track, filled = fill_gaps(track, config)
    swapped = 0
    if correct_swaps:
        track, swapped = correct_leg_swaps(track, config)
    track = lowpass(track, config)
    return track, CleaningReport(dropped, filled, swapped, effective_cutoff_hz(track.fps, config))
