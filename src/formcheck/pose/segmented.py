"""Pose in time segments of long clips, run side by side on threads and stitched.

Within a segment the pose stage already keeps two cores busy (decoding, the model and the
image features on three threads, `stage.py`). Clips of 45 s or more are also cut into ~30-s
segments that run on threads of one process (MediaPipe releases Python's lock), so several
models run at once. Each segment starts `WARMUP_S` before its own range so MediaPipe's
tracker has found the runner by the first kept frame; the warm-up frames are dropped and
every frame appears exactly once, in order.

The plan depends on the clip only, never on the number of workers, and MediaPipe is
deterministic for the same frames; so one worker and many give bit-identical tracks.

Why short clips are not cut: MediaPipe's VIDEO mode carries each frame's region of interest
to the next, so a restarted tracker settles on a different path that never rejoins the
unbroken one (on the labelled GaitLab clip: ~3.6 px median, one of 34 foot strikes moved by
5 frames). Cutting every clip in two was measured ~15 % faster than the threads of one
unbroken pass, but changed the results; the unbroken pass keeps them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from formcheck.config import PoseConfig
from formcheck.io.preview_frames import PREVIEW_SIDE, PreviewFrames
from formcheck.io.video import iter_frame_range, presentation_times, probe
from formcheck.pose.backend import PoseBackend
from formcheck.pose.stage import (
    FrameCounter,
    PoseArrays,
    ProgressFn,
    detect_frames,
    track_from_arrays,
)
from formcheck.track import PoseTrack, VideoInfo

WARMUP_S = 2.0
SEGMENT_S = 30.0  # 2 s of warm-up per 30 s segment: ~7 % extra work

Segment = tuple[int, int, int]  # (decode_from, keep_from, stop) frame indices


def plan_segments(n_frames: int, fps: float, segment_s: float = SEGMENT_S,
                  warmup_s: float = WARMUP_S) -> list[Segment]:
    """The clip's segments; depends on the clip only."""
    count = max(1, int(round(n_frames / max(fps * segment_s, 1))))
    edges = np.linspace(0, n_frames, count + 1).round().astype(int)
    warm = int(round(warmup_s * fps))
    return [(max(0, a - warm), int(a), int(b)) for a, b in zip(edges[:-1], edges[1:],
                                                              strict=True)]


def estimate_pose_segmented(path: Path, backend: PoseBackend,
                            config: PoseConfig | None = None, workers: int = 1,
                            progress: ProgressFn | None = None,
                            info: VideoInfo | None = None,
                            segment_s: float = SEGMENT_S,
                            preview: PreviewFrames | None = None) -> PoseTrack:
    """The pose track of a clip; its segments run on up to `workers` threads. With `preview`,
    every frame is also stored there at the overlay's size (from the same decode)."""
    config = config or PoseConfig()
    info = info or probe(path)
    times = presentation_times(path)
    plan = plan_segments(len(times), info.fps or 30.0, segment_s)
    counter = FrameCounter(progress, len(times))

    def run(segment: Segment) -> PoseArrays:
        decode_from, keep_from, stop = segment
        frames = iter_frame_range(path, times, decode_from, stop, config.max_side_px,
                                  PREVIEW_SIDE if preview is not None else None, keep_from)
        return detect_frames(frames, info, config, backend, counter, preview, keep_from)

    if workers <= 1 or len(plan) == 1:
        parts = [run(segment) for segment in plan]
    else:
        with ThreadPoolExecutor(max_workers=min(workers, len(plan)),
                                thread_name_prefix="pose") as pool:
            parts = list(pool.map(run, plan))
    merged = PoseArrays()  # segments arrive in order and never overlap once trimmed
    for part in parts:
        for name in merged.__dataclass_fields__:
            getattr(merged, name).extend(getattr(part, name))
    return track_from_arrays(
        merged, info, backend.name,
        f"pose: {backend.description}, {len(plan)} "
        f"segment(s) of ~{SEGMENT_S:.0f} s with {WARMUP_S:.0f} s warm-up")

