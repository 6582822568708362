"""The pose stage: frames → a backend → formcheck's skeleton and image features → PoseTrack.

Decoding runs in a background thread so that FFmpeg and the model overlap on two cores.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from formcheck.config import PoseConfig
from formcheck.io.video import Frame, iter_frames, probe
from formcheck.landmarks import N_LANDMARKS
from formcheck.pose.backend import PoseBackend
from formcheck.pose.features import FeatureExtractor
from formcheck.track import PoseTrack, VideoInfo

ProgressFn = Callable[[int, int], None]  # (frames done, frames expected)


def _prefetch(frames: Iterator[Frame], depth: int = 8) -> Iterator[Frame]:
    """Decode ahead in a thread; re-raise decoder errors in the caller."""
    buffer: queue.Queue = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def worker() -> None:
        try:
            for frame in frames:
                if stop.is_set():
                    return
                buffer.put(frame)
        except BaseException as exc:  # handed over to the consumer below
            buffer.put(exc)
        buffer.put(done)

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        while (item := buffer.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            try:
                buffer.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)


@dataclass
class PoseArrays:
    """Per-frame outputs of the pose stage for a run of frames (clip-wide indices)."""

    index: list[int] = field(default_factory=list)
    time_s: list[float] = field(default_factory=list)
    image_xy: list[np.ndarray] = field(default_factory=list)
    visibility: list[np.ndarray] = field(default_factory=list)
    world: list[np.ndarray] = field(default_factory=list)
    concavity: list[tuple[float, float]] = field(default_factory=list)
    waist: list[tuple[float, float]] = field(default_factory=list)
    ground: list[tuple[float, float]] = field(default_factory=list)

    def keep_from(self, first_index: int) -> PoseArrays:
        """Drop frames before `first_index` (a segment's warm-up)."""
        k = next((i for i, idx in enumerate(self.index) if idx >= first_index), len(self.index))
        return PoseArrays(*(getattr(self, f.name)[k:] for f in fields(self)))


NO_XY = np.full((N_LANDMARKS, 2), np.nan)
NO_WORLD = np.full((N_LANDMARKS, 3), np.nan)


def detect_frames(frames: Iterator[Frame], info: VideoInfo, config: PoseConfig,
                  backend: PoseBackend, progress: ProgressFn | None = None) -> PoseArrays:
    """Run one backend detector and the image features over consecutive frames."""
    out = PoseArrays()
    features = FeatureExtractor((info.width, info.height))
    detector = backend.open(config)
    last_ms = -1
    try:
        for frame in _prefetch(frames):
            ms = max(int(round(frame.time_s * 1000)), last_ms + 1)
            last_ms = ms
            pose = detector.detect(frame.rgb, ms, frame.index)
            measured = features.measure(frame.rgb, pose)
            out.index.append(frame.index)
            out.time_s.append(frame.time_s)
            if pose is None:
                out.image_xy.append(NO_XY)
                out.visibility.append(np.zeros(N_LANDMARKS))
                out.world.append(NO_WORLD)
            else:
                out.image_xy.append(pose.xy * (info.width, info.height))
                out.visibility.append(pose.visibility)
                out.world.append(NO_WORLD if pose.world is None else pose.world)
            out.concavity.append(measured.concavity)
            out.waist.append(measured.waist)
            out.ground.append(measured.ground)
            if progress:
                progress(frame.index + 1, info.n_frames)
    finally:
        detector.close()
    return out


def track_from_arrays(arrays: PoseArrays, info: VideoInfo, model: str,
                      provenance: str) -> PoseTrack:
    if not arrays.time_s:
        return empty_track(info, model)
    return PoseTrack(
        time_s=np.asarray(arrays.time_s), image_xy=np.asarray(arrays.image_xy),
        visibility=np.asarray(arrays.visibility), world_xyz=np.asarray(arrays.world),
        video=info, model=model,
        back_concavity=np.asarray(arrays.concavity, dtype=float).reshape(-1, 2),
        waist_line=np.asarray(arrays.waist, dtype=float).reshape(-1, 2),
        ground_shift=np.asarray(arrays.ground, dtype=float).reshape(-1, 2),
        provenance=(provenance,))


def estimate_pose(path: Path, backend: PoseBackend, config: PoseConfig | None = None,
                  progress: ProgressFn | None = None,
                  info: VideoInfo | None = None) -> PoseTrack:
    """The runner's pose in every frame of `path`, in one process."""
    config = config or PoseConfig()
    info = info or probe(path)
    arrays = detect_frames(iter_frames(path, config.max_side_px), info, config, backend,
                           progress)
    return track_from_arrays(arrays, info, backend.name, f"pose: {backend.description}")


def empty_track(info: VideoInfo, model: str) -> PoseTrack:
    return PoseTrack(
        time_s=np.zeros(0), image_xy=np.zeros((0, N_LANDMARKS, 2)),
        visibility=np.zeros((0, N_LANDMARKS)), world_xyz=np.zeros((0, N_LANDMARKS, 3)),
        video=info, model=model, back_concavity=np.zeros((0, 2)), waist_line=np.zeros((0, 2)),
        ground_shift=np.zeros((0, 2)),
    )
