"""Pose-stage throughput: frames/s and × real time per model, against the decode-only
ceiling and a naive one-frame-at-a-time loop; the overlay video's own rate; peak memory of
each run.

    python benchmarks/throughput.py [--data ../shared/data] [--seconds 10]

Clips: a 1080p 60 fps clip made by upscaling a rendered 720p 60 fps clip (written to a temp
folder), and the 720p original. Each measurement runs in its own process (clean peak RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = "synthetic/neutral_side_left.mp4"


def make_clip(source: Path, target: Path, size: tuple[int, int], seconds: float) -> Path:
    import av

    with av.open(str(source)) as src, av.open(str(target), "w") as dst:
        stream_in = src.streams.video[0]
        out = dst.add_stream("libx264", rate=stream_in.average_rate)
        out.width, out.height, out.pix_fmt = size[0], size[1], "yuv420p"
        out.options = {"preset": "veryfast", "crf": "20"}
        limit = int(seconds * float(stream_in.average_rate))
        for i, frame in enumerate(src.decode(stream_in)):
            if i >= limit:
                break
            for packet in out.encode(frame.reformat(width=size[0], height=size[1])):
                dst.mux(packet)
        for packet in out.encode():
            dst.mux(packet)
    return target


def measure(mode: str, clip: str, model: str) -> dict:
    """Run inside a child process; returns frames, seconds and peak RSS."""
    from formcheck.io.video import iter_frames, probe

    info = probe(Path(clip))
    if mode == "overlay":  # the pose step first (not timed), then the overlay video alone
        from formcheck.pipeline import AnalyzeOptions, analyze_video_run
        from formcheck.report.overlay import write_overlay_video

        run = analyze_video_run(Path(clip), AnalyzeOptions(model=model))
    start = time.perf_counter()
    frames = 0
    if mode == "overlay":
        with tempfile.TemporaryDirectory() as tmp:
            write_overlay_video(Path(clip), run.analysis, run.track, Path(tmp) / "overlay.mp4")
        frames = run.track.n_frames
    elif mode == "decode":
        for _ in iter_frames(Path(clip)):
            frames += 1
    elif mode == "naive":
        import cv2
        import mediapipe as mp
        from mediapipe.tasks.python import vision
        from mediapipe.tasks.python.core.base_options import BaseOptions

        from formcheck.pose.mediapipe.models import resolve_model

        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(resolve_model(model))),
            running_mode=vision.RunningMode.VIDEO)
        with vision.PoseLandmarker.create_from_options(options) as landmarker:
            cap = cv2.VideoCapture(clip)
            fps = cap.get(cv2.CAP_PROP_FPS) or 30
            while True:
                ok, bgr = cap.read()
                if not ok:
                    break
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb),
                                            int(frames * 1000 / fps))
                frames += 1
    else:
        from formcheck.config import PoseConfig
        from formcheck.pose.mediapipe.landmarker import MediaPipeBackend
        from formcheck.pose.stage import estimate_pose

        frames = estimate_pose(Path(clip), MediaPipeBackend(model), PoseConfig(model=model),
                               info=info).n_frames
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"frames": frames, "seconds": seconds, "fps_video": info.fps, "peak_mb": peak_mb}


def run_child(mode: str, clip: Path, model: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(clip), model],
                         capture_output=True, text=True, check=True,
                         env={**os.environ, "GLOG_minloglevel": "2"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("FORMCHECK_DATA_DIR", "../shared/data")))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--models", default="lite,full,heavy")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(*args.child)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        source = args.data / SOURCE
        clips = {
            "1080p60": make_clip(source, Path(tmp) / "1080p60.mp4", (1920, 1080), args.seconds),
            "720p60": make_clip(source, Path(tmp) / "720p60.mp4", (1280, 720), args.seconds),
        }
        print(f"cores: {os.cpu_count()}; clips: {args.seconds:.0f} s rendered runner\n")
        print("| clip | pipeline | model | frames/s | × real time | peak RSS (MB) |")
        print("|---|---|---|---|---|---|")
        for name, clip in clips.items():
            rows = [("decode only", "–", "decode")]
            rows += [("naive loop (OpenCV, 1 frame at a time)", "full", "naive")]
            rows += [("formcheck pose stage", m, "formcheck") for m in args.models.split(",")]
            rows += [("overlay video (decode, draw, H.264 ≤ 960 px)", "–", "overlay")]
            for label, model, mode in rows:
                r = run_child(mode, clip, model if model != "–" else "full")
                fps = r["frames"] / r["seconds"]
                print(f"| {name} | {label} | {model} | {fps:.1f} | {fps / r['fps_video']:.2f} | "
                      f"{r['peak_mb']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
