"""The pose stage: frames → a backend → formcheck's skeleton and image features → PoseTrack.

Three threads form a pipeline, so the model never waits for the rest: one decodes (and keeps
the overlay's preview frames), one runs the model (MediaPipe releases Python's lock), and the
caller's measures the image features of the frame before. The model, the slowest step, has a
core to itself; the other two share the second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from formcheck.config import PoseConfig
from formcheck.io.prefetch import prefetched
from formcheck.io.preview_frames import PreviewFrames
from formcheck.io.video import Frame, iter_frames, probe
from formcheck.landmarks import N_LANDMARKS
from formcheck.pose.backend import FrameDetector, FramePose, PoseBackend
from formcheck.pose.features import FeatureExtractor, back_concavity
from formcheck.timings import timed
from formcheck.track import PoseTrack, VideoInfo

ProgressFn = Callable[[int, int], None]  # (frames done, frames expected)


class FrameCounter:
    """Frames done across the loops of one clip (any thread), reported as (done, total)."""

    def __init__(self, progress: ProgressFn | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0
        self._lock = threading.Lock()

    def tick(self) -> None:
        """One more frame; the callback runs under the lock, so counts arrive in order and
        callbacks need not be thread-safe."""
        with self._lock:
            self.done += 1
            if self.progress:
                self.progress(self.done, max(self.total, self.done))


def _decoded(frames: Iterator[Frame], preview: PreviewFrames | None) -> Iterator[Frame]:
    """Frames as decoded (timed), each stored in `preview` when it carries a preview image."""
    while True:
        with timed("decode"):
            frame = next(frames, None)
        if frame is None:
            return
        if preview is not None and frame.preview is not None:
            with timed("preview frames"):
                preview.add(frame.index, frame.preview)
        yield frame


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


NO_XY = np.full((N_LANDMARKS, 2), np.nan)
NO_WORLD = np.full((N_LANDMARKS, 3), np.nan)


def _detected(frames: Iterator[Frame], detector: FrameDetector
              ) -> Iterator[tuple[Frame, FramePose | None, tuple[float, float]]]:
    """Each frame with its pose and back contour (measured here: a mask may live only until
    the detector's next frame; the pose handed on carries none)."""
    last_ms = -1
    for frame in frames:
        ms = max(int(round(frame.time_s * 1000)), last_ms + 1)
        last_ms = ms
        with timed("model"):
            pose = detector.detect(frame.rgb, ms, frame.index)
        with timed("image features"):
            concavity = back_concavity(pose)
        yield frame, None if pose is None else replace(pose, mask=None), concavity


def detect_frames(frames: Iterator[Frame], info: VideoInfo, config: PoseConfig,
                  backend: PoseBackend, counter: FrameCounter | None = None,
                  preview: PreviewFrames | None = None, keep_from: int = 0) -> PoseArrays:
    """Run one backend detector and the image features over consecutive frames; frames
    before `keep_from` (a segment's warm-up) only prime the tracker and are not kept."""
    out = PoseArrays()
    features = FeatureExtractor((info.width, info.height))
    with timed("model"):
        detector = backend.open(config)
    try:
        decoded = prefetched(_decoded(frames, preview))
        with closing(prefetched(_detected(decoded, detector))) as detected:
            for frame, pose, concavity in detected:
                with timed("image features"):
                    measured = features.measure(frame.rgb, pose, concavity)
                if frame.index < keep_from:
                    continue
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
                if counter:
                    counter.tick()
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
    """The runner's pose in every frame of `path`, in one unbroken pass (no segments)."""
    config = config or PoseConfig()
    info = info or probe(path)
    arrays = detect_frames(iter_frames(path, config.max_side_px), info, config, backend,
                           FrameCounter(progress, info.n_frames))
    return track_from_arrays(arrays, info, backend.name, f"pose: {backend.description}")


def empty_track(info: VideoInfo, model: str) -> PoseTrack:
    return PoseTrack(
        time_s=np.zeros(0), image_xy=np.zeros((0, N_LANDMARKS, 2)),
        visibility=np.zeros((0, N_LANDMARKS)), world_xyz=np.zeros((0, N_LANDMARKS, 3)),
        video=info, model=model, back_concavity=np.zeros((0, 2)), waist_line=np.zeros((0, 2)),
        ground_shift=np.zeros((0, 2)),
    )
