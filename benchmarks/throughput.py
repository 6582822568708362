"""What a runner waits for: the whole `formcheck analyze` command (defaults: overlay and report
on) against the naive loop most peers ship, side by side in one run, with a per-stage
breakdown; optionally a web job from upload to report on the same clip.

    python benchmarks/throughput.py [--data ../shared/data] [--seconds 10 60] [--web]

Clips: the rendered 60-s runner (fatigue_side_left) cut to each `--seconds` and upscaled to
1920×1080 at 60 fps (written to a temp folder), and the real GaitLab phone clip as filmed
(720×1280, 30 fps, 12 s). Every program runs as its own process and is timed from start to
exit (imports and model loading included); peak RSS is that process's.

The naive loop: OpenCV decodes, converts to RGB, MediaPipe's full model in VIDEO mode, one
frame at a time, nothing else (no overlay, no report, no analysis).

Stage seconds are summed over threads (stages overlap on the two cores, so they add up to
more than the wall time): decode = FFmpeg and scaling to the model's and the preview's size;
model = MediaPipe (loading included); image features = back contour, waistband, ground
motion; preview frames = JPEG of each frame for the overlay; overlay = drawing and H.264;
report = the HTML report and its plots (on a second thread while the overlay is drawn);
start-up and exit = the command's wall time outside its own work (interpreter, imports).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE_60FPS = "synthetic/fatigue_side_left.mp4"
REAL_30FPS = "real/gaitlab_male_side_treadmill.mp4"
STAGES = ("decode", "model", "image features", "preview frames", "events and metrics",
          "overlay", "report")


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


def naive_loop(clip: str) -> None:
    """The loop most pose tools ship (run in a child process)."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import vision
    from mediapipe.tasks.python.core.base_options import BaseOptions

    from formcheck.pose.mediapipe.models import resolve_model

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model("full"))),
        running_mode=vision.RunningMode.VIDEO)
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        cap = cv2.VideoCapture(clip)
        fps = cap.get(cv2.CAP_PROP_FPS) or 30
        frames = 0
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb),
                                        int(frames * 1000 / fps))
            frames += 1


def timed_process(command: list[str], env: dict[str, str] | None = None) -> dict:
    """Wall seconds from start to exit and peak RSS (MB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env={**os.environ, **(env or {})})
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{errors.decode()[-2000:]}")
    return {"seconds": time.perf_counter() - started, "peak_mb": usage.ru_maxrss / 1024}


def run_formcheck(clip: Path, out: Path, workers: int | None = None) -> dict:
    timings = out.with_suffix(".timings.json")
    command = [sys.executable, "-m", "formcheck.cli", "analyze", str(clip), "--out", str(out)]
    if workers:
        command += ["--workers", str(workers)]
    result = timed_process(command, {"FORMCHECK_TIMINGS": str(timings)})
    result["stages"] = json.loads(timings.read_text()) if timings.exists() else {}
    return result


def run_web(clip: Path) -> float:
    """Seconds from the start of the upload to the finished report, on a running server."""
    import httpx2 as httpx
    from web_load import free_port, start_server, wait_until_up

    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        server = start_server(port, data, 1)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url)
            with httpx.Client(base_url=url, timeout=300) as client:
                started = time.perf_counter()
                response = client.post("/api/jobs", files={"file": (clip.name,
                                                                     clip.read_bytes())})
                response.raise_for_status()
                job_id = response.json()["id"]
                while client.get(f"/api/jobs/{job_id}").json()["state"] not in ("done",
                                                                                "failed"):
                    time.sleep(0.1)
                return time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=60)


def measure_clip(name: str, clip: Path, duration_s: float, work: Path, web: bool,
                 one_core: bool) -> None:
    naive = timed_process([sys.executable, __file__, "--naive", str(clip)])
    ours = run_formcheck(clip, work / f"{name}-out")
    rows = [("naive loop (OpenCV + MediaPipe full, 1 frame at a time)", naive),
            ("formcheck analyze (overlay + report)", ours)]
    if one_core:
        rows.append(("formcheck analyze --workers 1",
                     run_formcheck(clip, work / f"{name}-out1", workers=1)))
    for label, r in rows:
        print(f"| {name} | {label} | {r['seconds']:.1f} | {duration_s / r['seconds']:.2f} | "
              f"{naive['seconds'] / r['seconds']:.2f} | {r['peak_mb']:.0f} |", flush=True)
    if web:
        seconds = run_web(clip)
        print(f"| {name} | web job, upload to report (server running) | {seconds:.1f} | "
              f"{duration_s / seconds:.2f} | {naive['seconds'] / seconds:.2f} | – |",
              flush=True)
    stages = ours["stages"]
    startup = ours["seconds"] - stages.get("command", ours["seconds"])
    parts = [f"{stage} {stages.get(stage, 0.0):.1f}" for stage in STAGES]
    print(f"|   | stage seconds (summed over threads): {', '.join(parts)}, "
          f"start-up and exit {startup:.1f} | | | | |", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("FORMCHECK_DATA_DIR", "../shared/data")))
    parser.add_argument("--seconds", type=float, nargs="+", default=[10.0],
                        help="lengths of the 1080p 60 fps clips (≤ 60)")
    parser.add_argument("--web", action="store_true", help="also time a web job per clip")
    parser.add_argument("--one-core", action="store_true",
                        help="also run formcheck with --workers 1")
    parser.add_argument("--naive", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive:
        naive_loop(args.naive)
        return 0
    print(f"cores: {os.cpu_count()}\n")
    print("| clip | program | seconds | × real time | × naive loop | peak RSS (MB) |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for seconds in args.seconds:
            name = f"1080p60, {seconds:.0f} s"
            clip = make_clip(args.data / SOURCE_60FPS, work / f"1080p60_{seconds:.0f}s.mp4",
                             (1920, 1080), seconds)
            measure_clip(name, clip, seconds, work, args.web, args.one_core)
        measure_clip("720p30 real, 12 s", args.data / REAL_30FPS, 12.0, work, args.web,
                     args.one_core)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
