"""A pose backend that replays stored keypoints: poses from another tool (e.g. a COCO-
WholeBody or Halpe model run elsewhere) analysed by formcheck, and the test that the pose seam
carries any backend.

The file is an `.npz` with `names` (K keypoint names; those in formcheck's skeleton are used,
e.g. "left_hip", "left_heel", "left_foot_index"), `xy` (T, K, 2) pixel positions in the
clip's upright frame, NaN where missing, `scores` (T, K) in [0, 1], and `size` (width,
height) of the frames the keypoints refer to. Frame i of the clip gets row i.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from formcheck.config import PoseConfig
from formcheck.errors import InputError
from formcheck.pose.backend import FramePose, from_named_points


@dataclass(frozen=True)
class ReplayBackend:
    keypoints: Path

    @property
    def name(self) -> str:
        return "replay"

    @property
    def description(self) -> str:
        return f"stored keypoints replayed from {self.keypoints.name}"

    def open(self, config: PoseConfig) -> ReplayDetector:
        try:
            with np.load(self.keypoints, allow_pickle=False) as data:
                names = [str(n) for n in data["names"]]
                xy, scores = data["xy"].astype(float), data["scores"].astype(float)
                size = data["size"].astype(float)
        except (OSError, KeyError, ValueError) as exc:
            raise InputError.coded("keypoints_unreadable", path=str(self.keypoints),
                                   detail=str(exc)) from exc
        return ReplayDetector(names, xy / size, scores)


class ReplayDetector:
    def __init__(self, names: list[str], norm_xy: np.ndarray, scores: np.ndarray) -> None:
        self._names, self._xy, self._scores = names, norm_xy, scores

    def detect(self, rgb: np.ndarray, time_ms: int, index: int) -> FramePose | None:
        if index >= len(self._xy) or not np.isfinite(self._xy[index]).any():
            return None
        return from_named_points(self._names, self._xy[index], self._scores[index])

    def close(self) -> None:
        return None
