"""The files an analysis produces: one list that the CLI, batch and web app all iterate.

Each `Output` names its file, its media type, whether the web app shows it inline, and its
writer. Writers need only the `Analysis` (plus, for the overlay, the cleaned track and the
clip), so old `analysis.json` files still render. Adding an output format = one writer and
one entry in `OUTPUTS`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from formcheck.io.results import atomic_write_text, check_output_dir, prepare_output_dir
from formcheck.schema import Analysis
from formcheck.track import PoseTrack

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class OutputJob:
    """What the writers get: the analysis, where to write, and (optionally) the clip and track."""

    analysis: Analysis
    out_dir: Path
    video: Path
    track: PoseTrack | None = None
    progress: ProgressFn | None = None
    written: tuple[str, ...] = ()  # names already written (the report links the overlay)


@dataclass(frozen=True)
class Output:
    name: str
    media_type: str
    inline: bool  # the web app shows it in the browser; the others download
    write: Callable[[OutputJob, Path], Path | None]  # None: skipped (e.g. no track)
    optional: str | None = None  # the switch that can leave it out: "report" / "overlay"


def _write_json(job: OutputJob, path: Path) -> Path:
    atomic_write_text(path, job.analysis.model_dump_json(indent=2))
    return path


def strides_csv(analysis: Analysis) -> str:
    """One row per stride: foot, events and every metric of the summary."""
    metric_ids = list(analysis.summary)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["foot", "ic_frame", "ic_time_s", "to_frame", *metric_ids])
    for s in analysis.strides:
        writer.writerow([s.foot, s.ic_frame, s.ic_time_s, s.to_frame,
                         *("" if s.metrics.get(m) is None else s.metrics[m]
                           for m in metric_ids)])
    return buffer.getvalue()


def _write_csv(job: OutputJob, path: Path) -> Path:
    atomic_write_text(path, strides_csv(job.analysis))
    return path


def _write_overlay(job: OutputJob, path: Path) -> Path | None:
    if job.track is None:
        return None
    from formcheck.report.overlay import write_overlay_video

    return write_overlay_video(job.video, job.analysis, job.track, path, job.progress)


def _write_report(job: OutputJob, path: Path) -> Path:
    from formcheck.report.html import render_report

    overlay = OVERLAY.name if OVERLAY.name in job.written else None
    atomic_write_text(path, render_report(job.analysis,
                                          job.video if job.video.is_file() else None,
                                          overlay=overlay))
    return path


ANALYSIS_JSON = Output("analysis.json", "application/json", False, _write_json)
STRIDES_CSV = Output("strides.csv", "text/csv", False, _write_csv)
OVERLAY = Output("overlay.mp4", "video/mp4", True, _write_overlay, optional="overlay")
REPORT_HTML = Output("report.html", "text/html", True, _write_report, optional="report")
# In writing order: the report links the overlay, so the overlay comes first.
OUTPUTS: tuple[Output, ...] = (ANALYSIS_JSON, STRIDES_CSV, OVERLAY, REPORT_HTML)
OUTPUT_NAMES: tuple[str, ...] = tuple(o.name for o in OUTPUTS)


def prepare(out_dir: Path) -> None:
    """Create the results folder, refusing one that holds files formcheck did not write."""
    prepare_output_dir(out_dir, marker=ANALYSIS_JSON.name, names=OUTPUT_NAMES)


def check(out_dir: Path) -> None:
    """The results folder's checks, before any work and without creating it (so a refused
    or failed analysis leaves nothing behind)."""
    check_output_dir(out_dir, marker=ANALYSIS_JSON.name, names=OUTPUT_NAMES)


def write_outputs(analysis: Analysis, out_dir: Path, *, video: Path | None = None,
                  track: PoseTrack | None = None, report: bool = True,
                  progress: ProgressFn | None = None) -> list[Path]:
    """Every output, atomically, never over a user's file. `video` is where to read frames
    from (default: the path recorded in the analysis); without `track` there is no overlay;
    `report=False` leaves out the HTML report."""
    prepare(out_dir)
    video = video or Path(analysis.video.path)
    written: list[Path] = []
    for output in OUTPUTS:
        if output.optional == "report" and not report:
            continue
        job = OutputJob(analysis, out_dir, video, track, progress,
                        tuple(p.name for p in written))
        path = output.write(job, out_dir / output.name)
        if path is not None:
            written.append(path)
    return written
