"""The files an analysis produces: one list that the CLI, batch and web app all iterate.

Each `Output` names its file, its media type, whether the web app shows it inline, and its
renderer (text) or writer (the overlay video). They need only the `Analysis` (plus, for the
overlay, the cleaned track and the clip's frames), so old `analysis.json` files still
render. Adding an output format = one renderer or writer and one entry in `OUTPUTS`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from formcheck.io.preview_frames import PreviewFrames
from formcheck.io.results import atomic_write_text, check_output_dir, prepare_output_dir
from formcheck.schema import Analysis
from formcheck.timings import timed
from formcheck.track import PoseTrack

ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class OutputJob:
    """What the writers get: the analysis, where to write, and (optionally) the clip, the
    track and the frames the pose stage kept for the overlay."""

    analysis: Analysis
    out_dir: Path
    video: Path
    track: PoseTrack | None = None
    progress: ProgressFn | None = None
    writing: tuple[str, ...] = ()  # names this run writes (the report links the overlay)
    preview: PreviewFrames | None = None


@dataclass(frozen=True)
class Output:
    """One file. Text outputs `render` a string (written atomically here); the overlay
    `write`s its own file."""

    name: str
    media_type: str
    inline: bool  # the web app shows it in the browser; the others download
    render: Callable[[OutputJob], str] | None = None
    write: Callable[[OutputJob, Path], Path | None] | None = None  # None: skipped (no track)
    optional: str | None = None  # the switch that can leave it out: "report" / "overlay"


def _render_json(job: OutputJob) -> str:
    return job.analysis.model_dump_json(indent=2)


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


def _render_csv(job: OutputJob) -> str:
    return strides_csv(job.analysis)


def _write_overlay(job: OutputJob, path: Path) -> Path | None:
    if job.track is None:
        return None
    from formcheck.report.overlay import write_overlay_video

    return write_overlay_video(job.video, job.analysis, job.track, path, job.progress,
                               job.preview)


def _write_track(job: OutputJob, path: Path) -> Path | None:
    if job.track is None:
        return None
    from formcheck.io.track_store import save_track

    save_track(job.track, path)
    return path


def _write_trc(job: OutputJob, path: Path) -> Path | None:
    if job.track is None:
        return None
    from formcheck.io.opensim import trc_text

    atomic_write_text(path, trc_text(job.track, metres_per_px=job.analysis.scale.metres_per_px,
                                     file_name=path.name))
    return path


def _write_mot(job: OutputJob, path: Path) -> Path | None:
    if job.track is None:
        return None
    from formcheck.io.opensim import joint_angle_series, mot_text
    from formcheck.view import View

    angles = joint_angle_series(job.track, View(job.analysis.view),
                                roll_deg=job.analysis.scale.roll_deg)
    atomic_write_text(path, mot_text(job.track.time_s, angles, name=path.stem))
    return path


def _render_report(job: OutputJob) -> str:
    from formcheck.report.html import render_report

    with timed("report"):
        return render_report(job.analysis, job.video if job.video.is_file() else None,
                             overlay=OVERLAY.name if OVERLAY.name in job.writing else None)


ANALYSIS_JSON = Output("analysis.json", "application/json", False, render=_render_json)
STRIDES_CSV = Output("strides.csv", "text/csv", False, render=_render_csv)
OVERLAY = Output("overlay.mp4", "video/mp4", True, write=_write_overlay, optional="overlay")
# The cleaned track the metrics were measured on (`formcheck export` makes the OpenSim files
# from it again), and the OpenSim files themselves: keypoints in metres when the height is known
TRACK_NPZ = Output("track.npz", "application/octet-stream", False, write=_write_track)
KEYPOINTS_TRC = Output("keypoints.trc", "text/plain", False, write=_write_trc)
ANGLES_MOT = Output("angles.mot", "text/plain", False, write=_write_mot)
REPORT_HTML = Output("report.html", "text/html", True, render=_render_report,
                     optional="report")
# In writing order: the report links the overlay, so the overlay comes first.
OUTPUTS: tuple[Output, ...] = (ANALYSIS_JSON, STRIDES_CSV, TRACK_NPZ, KEYPOINTS_TRC, ANGLES_MOT,
                                OVERLAY, REPORT_HTML)
EXPORTS: tuple[Output, ...] = (KEYPOINTS_TRC, ANGLES_MOT)  # what `formcheck export` writes
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
                  overlay: bool = True, progress: ProgressFn | None = None,
                  preview: PreviewFrames | None = None) -> list[Path]:
    """Every output, atomically, never over a user's file, in `OUTPUTS` order. `video` is
    where to read frames from (default: the path recorded in the analysis) unless `preview`
    holds them; without `track` there is no overlay and no OpenSim files; `report=False` and
    `overlay=False` leave out the HTML report and the overlay video.

    One after the other: rendering the report (matplotlib, pure Python) on a thread beside
    the overlay's drawing was measured slower than in turn (2.8 s against 2.1 s on the
    GaitLab clip) — the two fight over Python's lock."""
    with timed("outputs (wall)"):
        return _write_outputs(analysis, out_dir, video, track, (report, overlay), progress,
                              preview)


def _write_outputs(analysis: Analysis, out_dir: Path, video: Path | None,
                   track: PoseTrack | None, wanted: tuple[bool, bool],
                   progress: ProgressFn | None, preview: PreviewFrames | None) -> list[Path]:
    prepare(out_dir)
    report, overlay = wanted
    chosen = [o for o in OUTPUTS if (report or o.optional != "report")
              and (overlay or o.optional != "overlay")]
    writing = tuple(o.name for o in chosen if o.render is not None or track is not None)
    job = OutputJob(analysis, out_dir, video or Path(analysis.video.path), track, progress,
                    writing, preview)
    written: list[Path] = []
    for output in chosen:
        path = out_dir / output.name
        if output.render is not None:
            atomic_write_text(path, output.render(job))
            written.append(path)
        elif output.write is not None and output.write(job, path) is not None:
            written.append(path)
    return written


def write_exports(analysis: Analysis, track: PoseTrack, out_dir: Path) -> list[Path]:
    """The OpenSim files of a stored analysis and its track, atomically, into `out_dir`."""
    prepare(out_dir)
    job = OutputJob(analysis, out_dir, Path(analysis.video.path), track)
    return [path for output in EXPORTS if output.write is not None
            and (path := output.write(job, out_dir / output.name)) is not None]
