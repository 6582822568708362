"""Run MediaPipe's PoseLandmarker (Tasks API, VIDEO mode) over a clip and build a PoseTrack.

Decoding runs in a background thread so that FFmpeg and the network overlap on two cores.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from formcheck.config import PoseConfig
from formcheck.io.video import Frame, iter_frames, probe
from formcheck.landmarks import (
    LEFT_HEEL,
    LEFT_HIP,
    LEFT_SHOULDER,
    LEFT_TOE,
    N_LANDMARKS,
    RIGHT_HEEL,
    RIGHT_HIP,
    RIGHT_SHOULDER,
    RIGHT_TOE,
)
from formcheck.models import resolve_model
from formcheck.pose.ground_motion import ground_shift, to_flow_gray
from formcheck.pose.silhouette import edge_concavity
from formcheck.pose.waistline import waist_line
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


@contextlib.contextmanager
def _native_logs_silenced() -> Iterator[None]:
    """Hide MediaPipe's C++ start-up log lines (they bypass Python's logging).

    Only wraps model creation and the first frame; later errors still reach stderr.
    """
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        sys.stderr.flush()
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _create_landmarker(model_path: Path, config: PoseConfig):  # noqa: ANN202 (mediapipe type)
    from mediapipe.tasks.python import vision
    from mediapipe.tasks.python.core.base_options import BaseOptions

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_path)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
        min_pose_detection_confidence=config.min_detection_confidence,
        min_tracking_confidence=config.min_tracking_confidence,
        output_segmentation_masks=config.segmentation,
    )
    return vision.PoseLandmarker.create_from_options(options)


@dataclass
class PoseArrays:
    """Per-frame outputs of the landmarker for a run of frames (clip-wide indices)."""

    index: list[int] = field(default_factory=list)
    time_s: list[float] = field(default_factory=list)
    image_xy: list[np.ndarray] = field(default_factory=list)
    visibility: list[np.ndarray] = field(default_factory=list)
    world: list[np.ndarray] = field(default_factory=list)
    concavity: list[np.ndarray] = field(default_factory=list)
    waist: list[tuple[float, float]] = field(default_factory=list)
    ground: list[tuple[float, float]] = field(default_factory=list)

    def keep_from(self, first_index: int) -> PoseArrays:
        """Drop frames before `first_index` (a segment's warm-up)."""
        k = next((i for i, idx in enumerate(self.index) if idx >= first_index), len(self.index))
        return PoseArrays(*(getattr(self, f.name)[k:] for f in fields(self)))


def detect_frames(frames: Iterator[Frame], info: VideoInfo, config: PoseConfig,
                  model_path: Path, progress: ProgressFn | None = None) -> PoseArrays:
    """Run one VIDEO-mode landmarker over consecutive frames."""
    import mediapipe as mp

    out = PoseArrays()
    nan_xy = np.full((N_LANDMARKS, 2), np.nan)
    last_ms = -1
    first = True
    previous_gray: np.ndarray | None = None
    with _native_logs_silenced():
        landmarker = _create_landmarker(model_path, config)
    with landmarker:
        for frame in _prefetch(frames):
            ms = max(int(round(frame.time_s * 1000)), last_ms + 1)
            last_ms = ms
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=frame.rgb)
            if first:
                with _native_logs_silenced():
                    result = landmarker.detect_for_video(image, ms)
                first = False
            else:
                result = landmarker.detect_for_video(image, ms)
            out.index.append(frame.index)
            out.time_s.append(frame.time_s)
            gray, _ = to_flow_gray(frame.rgb)
            if result.pose_landmarks:
                lms = result.pose_landmarks[0]
                norm = np.array([(p.x, p.y, p.visibility or 0.0) for p in lms])
                out.image_xy.append(norm[:, :2] * (info.width, info.height))
                out.visibility.append(norm[:, 2])
                out.world.append(np.array([(p.x, p.y, p.z)
                                           for p in result.pose_world_landmarks[0]]))
                out.concavity.append(_concavity(result, norm[:, :2], frame.rgb.shape))
                out.waist.append(_waist(frame.rgb, norm[:, :2]))
                out.ground.append(_ground(previous_gray, gray, norm[:, :2], info))
            else:
                out.image_xy.append(nan_xy)
                out.visibility.append(np.zeros(N_LANDMARKS))
                out.world.append(np.full((N_LANDMARKS, 3), np.nan))
                out.concavity.append(np.full(2, np.nan))
                out.waist.append((np.nan, 0.0))
                out.ground.append((np.nan, np.nan))
            previous_gray = gray
            if progress:
                progress(frame.index + 1, info.n_frames)
    return out


def track_from_arrays(arrays: PoseArrays, info: VideoInfo, model: str,
                      provenance: str) -> PoseTrack:
    if not arrays.time_s:
        return _empty_track(info, model)
    return PoseTrack(
        time_s=np.asarray(arrays.time_s), image_xy=np.asarray(arrays.image_xy),
        visibility=np.asarray(arrays.visibility), world_xyz=np.asarray(arrays.world),
        video=info, model=model, back_concavity=np.asarray(arrays.concavity),
        waist_line=np.asarray(arrays.waist, dtype=float),
        ground_shift=np.asarray(arrays.ground, dtype=float).reshape(-1, 2),
        provenance=(provenance,))


def estimate_pose(
    path: Path,
    config: PoseConfig | None = None,
    model_path: Path | None = None,
    progress: ProgressFn | None = None,
    info: VideoInfo | None = None,
) -> PoseTrack:
    """Detect the runner's pose in every frame of `path` (one process)."""
    config = config or PoseConfig()
    info = info or probe(path)
    model_path = model_path or resolve_model(config.model)
    arrays = detect_frames(iter_frames(path, config.max_side_px), info, config, model_path,
                           progress)
    return track_from_arrays(arrays, info, config.model,
                             f"pose: MediaPipe PoseLandmarker ({config.model}, VIDEO mode)")


def _concavity(result, norm_xy: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:  # noqa: ANN001
    if not result.segmentation_masks:
        return np.full(2, np.nan)
    mask = result.segmentation_masks[0].numpy_view()[:, :, 0]
    size = np.array([shape[1], shape[0]], dtype=float)
    shoulder = 0.5 * (norm_xy[LEFT_SHOULDER] + norm_xy[RIGHT_SHOULDER]) * size
    hip = 0.5 * (norm_xy[LEFT_HIP] + norm_xy[RIGHT_HIP]) * size
    return edge_concavity(mask, shoulder, hip)


def _waist(rgb: np.ndarray, norm_xy: np.ndarray) -> tuple[float, float]:
    size = np.array([rgb.shape[1], rgb.shape[0]], dtype=float)
    shoulder = 0.5 * (norm_xy[LEFT_SHOULDER] + norm_xy[RIGHT_SHOULDER]) * size
    return waist_line(rgb, norm_xy[LEFT_HIP] * size, norm_xy[RIGHT_HIP] * size, shoulder)


def _ground(previous: np.ndarray | None, gray: np.ndarray, norm_xy: np.ndarray,
            info: VideoInfo) -> tuple[float, float]:
    """Ground displacement at the feet since the previous frame, in pixels of `info`."""
    if previous is None or previous.shape != gray.shape:
        return (np.nan, np.nan)
    feet = np.nanmean(norm_xy[[LEFT_HEEL, RIGHT_HEEL, LEFT_TOE, RIGHT_TOE]],
                      axis=0)
    dx, dy = ground_shift(previous, gray, norm_xy, feet)
    return (dx * info.width, dy * info.height)


def _empty_track(info: VideoInfo, model: str) -> PoseTrack:
    return PoseTrack(
        time_s=np.zeros(0), image_xy=np.zeros((0, N_LANDMARKS, 2)),
        visibility=np.zeros((0, N_LANDMARKS)), world_xyz=np.zeros((0, N_LANDMARKS, 3)),
        video=info, model=model, back_concavity=np.zeros((0, 2)), waist_line=np.zeros((0, 2)),
        ground_shift=np.zeros((0, 2)),
    )
