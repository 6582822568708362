"""Writing results: analysis.json and strides.csv, atomically, never over a user's file."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from formcheck.errors import OutputError
from formcheck.schema import Analysis
from formcheck.track import PoseTrack

OUR_FILES = ("analysis.json", "strides.csv", "report.html", "overlay.mp4")


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename over the target."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    make_ordinary(Path(tmp))  # mkstemp makes 0600; results are ordinary files
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def prepare_output_dir(out_dir: Path) -> None:
    """Create the folder; refuse if it is a file or holds a non-formcheck analysis.json."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} exists and is not a folder.",
                          "Choose another --out folder.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot create {out_dir} ({exc.strerror}).",
                          "Choose a folder you can write to with --out.") from exc
    existing = out_dir / "analysis.json"
    if existing.exists() and '"tool_version"' not in existing.read_text(errors="ignore")[:4000]:
        raise OutputError(f"{existing} exists and was not written by formcheck.",
                          "Choose another --out folder; formcheck never overwrites your files.")
    if not existing.exists():  # not a formcheck folder: none of our names may be taken
        for name in OUR_FILES[1:]:
            if (out_dir / name).exists():
                raise OutputError(f"{out_dir / name} exists and was not written by formcheck.",
                                  "Choose another --out folder; formcheck never overwrites "
                                  "your files.")


def strides_csv(analysis: Analysis) -> str:
    metric_ids = list(analysis.summary)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["foot", "ic_frame", "ic_time_s", "to_frame", *metric_ids])
    for s in analysis.strides:
        writer.writerow([s.foot, s.ic_frame, s.ic_time_s, s.to_frame,
                         *("" if s.metrics.get(m) is None else s.metrics[m]
                           for m in metric_ids)])
    return buffer.getvalue()


def write_results(analysis: Analysis, out_dir: Path, report: bool = True,
                  video: Path | None = None, track: PoseTrack | None = None,
                  progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """analysis.json, strides.csv, (unless `report` is False) report.html and (given the
    cleaned `track`) overlay.mp4; `video` is where to read frames from (default: the path
    recorded in the analysis); `progress` follows the overlay's frames."""
    prepare_output_dir(out_dir)
    json_path, csv_path = out_dir / OUR_FILES[0], out_dir / OUR_FILES[1]
    atomic_write_text(json_path, analysis.model_dump_json(indent=2))
    atomic_write_text(csv_path, strides_csv(analysis))
    written = [json_path, csv_path]
    video = video or Path(analysis.video.path)
    if track is not None:
        from formcheck.report.overlay import write_overlay_video

        written.append(write_overlay_video(video, analysis, track, out_dir / OUR_FILES[3],
                                           progress))
    if report:
        from formcheck.report.html import render_report

        html_path = out_dir / OUR_FILES[2]
        atomic_write_text(html_path, render_report(
            analysis, video if video.is_file() else None,
            overlay=OUR_FILES[3] if track is not None else None))
        written.append(html_path)
    return written


def make_ordinary(path: Path) -> None:
    """Give a file made by mkstemp (0600) the permissions of an ordinary new file."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def load_analysis(path: Path) -> Analysis:
    return Analysis.model_validate_json(path.read_text(encoding="utf-8"))
