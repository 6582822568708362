"""Web app under load on loopback: N runners upload at once to `formcheck serve` (real model,
real clip); upload latency, time until every report is ready, and the server's peak memory.

    python benchmarks/web_load.py [--data ../shared/data] [--uploads 10] [--workers 1 2]

Clip: the real GaitLab clip (12 s, 720×1280, 30 fps, 1.9 MB), uploaded `--uploads` times
at once. Each run starts its own server on a free loopback port with a fresh --data folder.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import numpy as np


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, data: str, workers: int) -> subprocess.Popen:
    """`formcheck serve` on loopback in its own process, output discarded."""
    return subprocess.Popen([sys.executable, "-m", "formcheck.cli", "serve", "--port",
                             str(port), "--data", data, "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_up(url: str) -> None:
    """Poll the start page until the server answers (at most ~60 s)."""
    for _ in range(300):
        try:
            httpx.get(url + "/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the analysis workers), in MB."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():  # children of every thread
                pids += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def run(clip: Path, uploads: int, workers: int) -> dict:
    port = free_port()
    with tempfile.TemporaryDirectory() as data:
        server = start_server(port, data, workers)
        peak = 0.0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, tree_rss_mb(server.pid))
                time.sleep(0.2)

        sampler = threading.Thread(target=sample)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url)
            sampler.start()
            content = clip.read_bytes()

            def upload(i: int) -> tuple[float, str]:
                started = time.perf_counter()
                with httpx.Client(base_url=url, timeout=300) as client:
                    response = client.post("/api/jobs",
                                           files={"file": (f"run{i}.mp4", content)})
                response.raise_for_status()
                return time.perf_counter() - started, response.json()["id"]

            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=uploads) as pool:
                results = list(pool.map(upload, range(uploads)))
            latencies = np.array([r[0] for r in results])
            pending = {r[1] for r in results}
            states: dict[str, str] = {}
            with httpx.Client(base_url=url, timeout=60) as client:
                while pending:
                    for job_id in list(pending):
                        status = client.get(f"/api/jobs/{job_id}").json()
                        if status["state"] in ("done", "failed"):
                            states[job_id] = status["state"]
                            pending.discard(job_id)
                    time.sleep(0.5)
            elapsed = time.perf_counter() - started
        finally:
            stop.set()
            if sampler.is_alive():
                sampler.join()
            server.terminate()
            server.wait(timeout=60)
    return {"workers": workers, "uploads": uploads,
            "done": sum(s == "done" for s in states.values()),
            "p50": float(np.median(latencies)), "p95": float(np.percentile(latencies, 95)),
            "elapsed": elapsed, "per_min": 60 * uploads / elapsed, "peak_mb": peak}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("FORMCHECK_DATA_DIR", "../shared/data")))
    parser.add_argument("--uploads", type=int, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    clip = args.data / "real" / "gaitlab_male_side_treadmill.mp4"
    print(f"cores: {os.cpu_count()}; {args.uploads} simultaneous uploads of {clip.name} "
          f"({clip.stat().st_size / 1e6:.1f} MB, 12 s) on loopback\n")
    print("| workers | uploads | done | upload p50 / p95 (s) | all reports ready (s) "
          "| clips/min | peak RSS, server + workers (MB) |")
    print("|---|---|---|---|---|---|---|")
    for workers in args.workers:
        r = run(clip, args.uploads, workers)
        print(f"| {r['workers']} | {r['uploads']} | {r['done']} | {r['p50']:.2f} / "
              f"{r['p95']:.2f} | {r['elapsed']:.1f} | {r['per_min']:.1f} | "
              f"{r['peak_mb']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
