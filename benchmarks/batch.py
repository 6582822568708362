"""Batch throughput: clips/min with 1 and 2 local workers and on a local Ray instance, and
the speed-up of segment-parallel pose on one long clip.

    python benchmarks/batch.py [--data ../shared/data] [--copies 6]

Clips: copies of the real GaitLab clip (12 s, 720×1280, 30 fps). Long clip: the rendered
60 s fatigue_rear clip (720p60), and the same upscaled to 1080p60.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from formcheck.batch.runner import BatchOptions, run_batch
from formcheck.pose.mediapipe.landmarker import MediaPipeBackend
from formcheck.pose.segmented import estimate_pose_segmented


def batch_rate(clips: list[Path], options: BatchOptions, tmp: Path) -> float:
    out = Path(tempfile.mkdtemp(dir=tmp))
    start = time.perf_counter()
    result = run_batch([str(c) for c in clips], out, options)
    elapsed = time.perf_counter() - start
    assert result.done == len(clips), result
    return 60.0 * len(clips) / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("FORMCHECK_DATA_DIR", "../shared/data")))
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = args.data / "real" / "gaitlab_male_side_treadmill.mp4"
        clips = []
        for i in range(args.copies):
            target = tmp / "clips" / f"athlete{i % 2}" / f"s{i}" / f"run{i}.mp4"
            target.parent.mkdir(parents=True)
            shutil.copy(source, target)
            clips.append(target)
        print(f"cores: {os.cpu_count()}; {len(clips)} clips of 12 s (720×1280, 30 fps)\n")
        print("| engine | workers | clips/min |")
        print("|---|---|---|")
        for workers in (1, 2):
            rate = batch_rate(clips, BatchOptions(workers=workers), tmp)
            print(f"| local processes | {workers} | {rate:.1f} |", flush=True)
        if not args.skip_ray:
            rate = batch_rate(clips, BatchOptions(workers=2, engine="ray"), tmp)
            print(f"| Ray (local instance, 2 CPUs, incl. start-up) | 2 | {rate:.1f} |",
                  flush=True)
        from throughput import make_clip  # noqa: E402  (benchmarks/ helper)

        long_720 = args.data / "synthetic" / "fatigue_rear.mp4"
        long_1080 = make_clip(long_720, tmp / "long1080.mp4", (1920, 1080), 60.0)
        print("\n| long clip | workers | seconds | frames/s | × real time |")
        print("|---|---|---|---|---|")
        for clip, label in ((long_720, "60 s 720p60"), (long_1080, "60 s 1080p60")):
            for workers in (1, 2):
                start = time.perf_counter()
                track = estimate_pose_segmented(clip, MediaPipeBackend("full"), workers=workers)
                elapsed = time.perf_counter() - start
                fps = track.n_frames / elapsed
                print(f"| {label} | {workers} | {elapsed:.1f} | {fps:.1f} | "
                      f"{fps / track.video.fps:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
