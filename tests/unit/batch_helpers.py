"""A fake analyser for batch tests: no MediaPipe, a synthetic analysis after a short sleep.

It must live in an importable module so worker processes (spawn, Ray) can unpickle it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from formcheck.errors import CaptureQualityError
from formcheck.pipeline import AnalyzeOptions, analyze_track
from formcheck.synthetic import SyntheticRunner, synthetic_side_track


def fake_analyzer(path: Path, options: AnalyzeOptions, progress=None):  # noqa: ANN001, ANN201
    time.sleep(float(os.environ.get("FAKE_DELAY", "0")))
    if "corrupt" in path.name or b"NO-RUNNER" in path.read_bytes()[:200]:
        raise CaptureQualityError(f"{path}: no runner found.", "Film the runner.")
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=6,
                                                    overstride_leg=0.05 + 0.01 * len(path.stem)))
    analysis = analyze_track(track, options)
    if progress:
        progress(track.n_frames, track.n_frames)
    return analysis.model_copy(update={"video": analysis.video.model_copy(
        update={"path": str(path)})})


def make_clips(root: Path, count: int, athletes: int = 2) -> list[Path]:
    """Small distinct files laid out as ROOT/athlete/session/clip.mp4."""
    paths = []
    for i in range(count):
        path = root / f"athlete{i % athletes}" / f"2026-0{1 + i // athletes}" / f"run{i}.mp4"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(2048) + str(i).encode())
        paths.append(path)
    return paths
