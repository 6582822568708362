"""A fake analyser for batch tests: no MediaPipe, a synthetic analysis after a short sleep.

It must live in an importable module so worker processes (spawn, Ray) can unpickle it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from clips import clip_title

from formcheck.errors import CaptureQualityError
from formcheck.pipeline import AnalysisRun, AnalyzeOptions, analyze_track_run
from formcheck.synthetic import SyntheticRunner, synthetic_side_track


def fake_analyzer(path: Path, options: AnalyzeOptions, progress=None):  # noqa: ANN001, ANN201
    """Refuses files named *corrupt* or clips titled NO-RUNNER the way the pipeline does; a
    clip titled CRASH kills its process, as a native crash or out-of-memory kill would."""
    title = clip_title(path)
    if title == "CRASH":
        os._exit(1)
    delay = float(os.environ.get("FAKE_DELAY", "0"))
    for step in range(10):  # progress during the delay, like the pose step
        time.sleep(delay / 10)
        if progress:
            progress(step + 1, 10)
    if "corrupt" in path.name or title == "NO-RUNNER":
        raise CaptureQualityError(f"{path}: no runner found.", "Film the runner.")
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=6,
                                                    overstride_leg=0.05 + 0.01 * len(path.stem)))
    run = analyze_track_run(track, options)
    if progress:
        progress(track.n_frames, track.n_frames)
    return AnalysisRun(run.analysis.model_copy(update={"video": run.analysis.video.model_copy(
        update={"path": str(path)})}), run.track)


def make_clips(root: Path, count: int, athletes: int = 2) -> list[Path]:
    """Small distinct files laid out as ROOT/athlete/session/clip.mp4."""
    paths = []
    for i in range(count):
        path = root / f"athlete{i % athletes}" / f"2026-0{1 + i // athletes}" / f"run{i}.mp4"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(2048) + str(i).encode())
        paths.append(path)
    return paths
