"""MediaPipe's PoseLandmarker (Tasks API, VIDEO mode) as a pose backend.

MediaPipe's 33 landmarks are formcheck's skeleton point for point; the segmentation mask
feeds the back-contour feature.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.config import PoseConfig
from formcheck.pose.backend import FramePose
from formcheck.pose.mediapipe import VERBOSE_ENV
from formcheck.pose.mediapipe.models import resolve_model

_silence_lock = threading.Lock()
_silence_depth = 0
_saved_stderr: int | None = None


@contextlib.contextmanager
def _native_logs_silenced() -> Iterator[None]:
    """Hide MediaPipe's C++ start-up log lines (they bypass Python's logging).

    Only wraps model creation, the first frame and closing; errors in between still reach
    stderr. `--verbose` (FORMCHECK_VERBOSE) shows everything. Several detectors may start
    on different threads at once: the first to enter redirects file descriptor 2 and the
    last to leave restores it.
    """
    if os.environ.get(VERBOSE_ENV):
        yield
        return
    global _silence_depth, _saved_stderr
    with _silence_lock:
        if _silence_depth == 0:
            try:
                saved = os.dup(2)
            except OSError:
                saved = None
            if saved is not None:
                sys.stderr.flush()
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.close(devnull)
            _saved_stderr = saved
        _silence_depth += 1
    try:
        yield
    finally:
        with _silence_lock:
            _silence_depth -= 1
            if _silence_depth == 0 and _saved_stderr is not None:
                os.dup2(_saved_stderr, 2)
                os.close(_saved_stderr)
                _saved_stderr = None


@dataclass(frozen=True)
class MediaPipeBackend:
    """The PoseLandmarker with one of the registry's models (`models.py`)."""

    model: str = "full"
    model_path: Path | None = None  # None: resolved from the registry where it runs

    @property
    def name(self) -> str:
        return self.model

    @property
    def description(self) -> str:
        return f"MediaPipe PoseLandmarker ({self.model}, VIDEO mode)"

    def open(self, config: PoseConfig) -> MediaPipeDetector:
        path = self.model_path or resolve_model(self.model)
        return MediaPipeDetector(path, config)


class MediaPipeDetector:
    """One VIDEO-mode landmarker: frames must arrive in time order."""

    def __init__(self, model_path: Path, config: PoseConfig) -> None:
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
        with _native_logs_silenced():
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        self._first = True

    def detect(self, rgb: np.ndarray, time_ms: int, index: int) -> FramePose | None:
        import mediapipe as mp

        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        if self._first:
            with _native_logs_silenced():
                result = self._landmarker.detect_for_video(image, time_ms)
            self._first = False
        else:
            result = self._landmarker.detect_for_video(image, time_ms)
        if not result.pose_landmarks:
            return None
        norm = np.array([(p.x, p.y, p.visibility or 0.0) for p in result.pose_landmarks[0]])
        world = np.array([(p.x, p.y, p.z) for p in result.pose_world_landmarks[0]])
        mask = result.segmentation_masks[0].numpy_view()[:, :, 0] \
            if result.segmentation_masks else None
        return FramePose(norm[:, :2], norm[:, 2], world, mask)

    def close(self) -> None:
        with _native_logs_silenced():  # MediaPipe logs "DestroyAccelerator" lines on close
            self._landmarker.close()
