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
from pathlib import Path

import numpy as np

from formcheck.config import PoseConfig
from formcheck.io.video import Frame, iter_frames, probe
from formcheck.landmarks import (
    LEFT_HIP,
    LEFT_SHOULDER,
    N_LANDMARKS,
    RIGHT_HIP,
    RIGHT_SHOULDER,
)
from formcheck.models import resolve_model
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


def estimate_pose(
    path: Path,
    config: PoseConfig | None = None,
    model_path: Path | None = None,
    progress: ProgressFn | None = None,
    info: VideoInfo | None = None,
) -> PoseTrack:
    """Detect the runner's pose in every frame of `path`."""
    import mediapipe as mp

    config = config or PoseConfig()
    info = info or probe(path)
    model_path = model_path or resolve_model(config.model)
    times: list[float] = []
    image_xy: list[np.ndarray] = []
    visibility: list[np.ndarray] = []
    world: list[np.ndarray] = []
    concavity: list[np.ndarray] = []
    waist: list[tuple[float, float]] = []
    nan_xy = np.full((N_LANDMARKS, 2), np.nan)
    last_ms = -1
    with _native_logs_silenced():
        landmarker = _create_landmarker(model_path, config)
    with landmarker:
        for frame in _prefetch(iter_frames(path, config.max_side_px)):
            ms = max(int(round(frame.time_s * 1000)), last_ms + 1)
            last_ms = ms
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=frame.rgb)
            if frame.index == 0:
                with _native_logs_silenced():
                    result = landmarker.detect_for_video(image, ms)
            else:
                result = landmarker.detect_for_video(image, ms)
            times.append(frame.time_s)
            if result.pose_landmarks:
                lms = result.pose_landmarks[0]
                norm = np.array([(p.x, p.y, p.visibility or 0.0) for p in lms])
                xy = norm[:, :2] * (info.width, info.height)
                image_xy.append(xy)
                visibility.append(norm[:, 2])
                world.append(np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks[0]]))
                concavity.append(_concavity(result, norm[:, :2], frame.rgb.shape))
                waist.append(_waist(frame.rgb, norm[:, :2]))
            else:
                image_xy.append(nan_xy)
                visibility.append(np.zeros(N_LANDMARKS))
                world.append(np.full((N_LANDMARKS, 3), np.nan))
                concavity.append(np.full(2, np.nan))
                waist.append((np.nan, 0.0))
            if progress:
                progress(frame.index + 1, info.n_frames)
    if not times:
        return _empty_track(info, config.model)
    return PoseTrack(
        time_s=np.asarray(times), image_xy=np.asarray(image_xy),
        visibility=np.asarray(visibility), world_xyz=np.asarray(world), video=info,
        model=config.model, back_concavity=np.asarray(concavity),
        waist_line=np.asarray(waist, dtype=float),
        provenance=(f"pose: MediaPipe PoseLandmarker ({config.model}, VIDEO mode)",),
    )


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


def _empty_track(info: VideoInfo, model: str) -> PoseTrack:
    return PoseTrack(
        time_s=np.zeros(0), image_xy=np.zeros((0, N_LANDMARKS, 2)),
        visibility=np.zeros((0, N_LANDMARKS)), world_xyz=np.zeros((0, N_LANDMARKS, 3)),
        video=info, model=model, back_concavity=np.zeros((0, 2)), waist_line=np.zeros((0, 2)),
    )
