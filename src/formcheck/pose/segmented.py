"""Pose in time segments, run in parallel on several cores and stitched.

The segment plan depends on the clip only (about `SEGMENT_S` per segment), never on the
number of workers, and MediaPipe is deterministic for the same frames; so one worker and
many give bit-identical tracks — results do not depend on the machine. Each segment starts
`WARMUP_S` before its own range so MediaPipe's tracker has settled by the first kept frame;
the warm-up frames are dropped and every frame appears exactly once, in order.

Compared with one unbroken pass, a restarted tracker lands on slightly different crops:
landmarks after a boundary differ by ~0.4 px (median) — well inside MediaPipe's own jitter.
"""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

import numpy as np

from formcheck.config import PoseConfig
from formcheck.io.video import iter_frame_range, presentation_times, probe
from formcheck.pose.backend import PoseBackend
from formcheck.pose.stage import PoseArrays, ProgressFn, detect_frames, track_from_arrays
from formcheck.track import PoseTrack, VideoInfo

WARMUP_S = 2.0
SEGMENT_S = 30.0  # 2 s of warm-up per 30 s segment: ~7 % extra work


def plan_segments(n_frames: int, fps: float, segment_s: float = SEGMENT_S,
                  warmup_s: float = WARMUP_S) -> list[tuple[int, int, int]]:
    """(decode_from, keep_from, stop) frame indices per segment; depends on the clip only."""
    count = max(1, int(round(n_frames / max(fps * segment_s, 1))))
    edges = np.linspace(0, n_frames, count + 1).round().astype(int)
    warm = int(round(warmup_s * fps))
    return [(max(0, a - warm), int(a), int(b)) for a, b in zip(edges[:-1], edges[1:],
                                                              strict=True)]


def _segment_job(path: str, times: np.ndarray, decode_from: int, keep_from: int, stop: int,
                 info: VideoInfo, config: PoseConfig, backend: PoseBackend) -> PoseArrays:
    frames = iter_frame_range(Path(path), times, decode_from, stop, config.max_side_px)
    return detect_frames(frames, info, config, backend).keep_from(keep_from)


def estimate_pose_segmented(path: Path, backend: PoseBackend,
                            config: PoseConfig | None = None, workers: int = 1,
                            executor: Executor | None = None,
                            progress: ProgressFn | None = None,
                            info: VideoInfo | None = None,
                            segment_s: float = SEGMENT_S) -> PoseTrack:
    """The pose track of a clip; segments run on `workers` processes (or `executor`)."""
    config = config or PoseConfig()
    info = info or probe(path)
    times = presentation_times(path)
    plan = plan_segments(len(times), info.fps or 30.0, segment_s)
    if len(plan) == 1 or (workers <= 1 and executor is None):
        parts = [detect_frames(iter_frame_range(path, times, a, b, config.max_side_px), info,
                               config, backend, progress).keep_from(k) for a, k, b in plan]
    else:
        parts = _run_parallel(path, times, plan, info, config, backend, workers, executor,
                              progress)
    merged = PoseArrays()  # segments arrive in order and never overlap once trimmed
    for part in parts:
        for name in merged.__dataclass_fields__:
            getattr(merged, name).extend(getattr(part, name))
    return track_from_arrays(
        merged, info, backend.name,
        f"pose: {backend.description}, {len(plan)} "
        f"segment(s) of ~{SEGMENT_S:.0f} s with {WARMUP_S:.0f} s warm-up")


def _run_parallel(path: Path, times: np.ndarray, plan: list[tuple[int, int, int]],
                  info: VideoInfo, config: PoseConfig, backend: PoseBackend, workers: int,
                  executor: Executor | None, progress: ProgressFn | None) -> list[PoseArrays]:
    own = executor is None
    if executor is None:
        executor = ProcessPoolExecutor(max_workers=min(workers, len(plan)),
                                       mp_context=mp.get_context("spawn"))
    try:
        futures = [executor.submit(_segment_job, str(path), times, a, k, b, info, config,
                                   backend) for a, k, b in plan]
        parts = []
        for future in futures:
            parts.append(future.result())
            if progress and parts[-1].index:
                progress(parts[-1].index[-1] + 1, len(times))
        return parts
    finally:
        if own:
            executor.shutdown()
