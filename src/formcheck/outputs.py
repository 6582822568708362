"""The files an analysis produces: one list that the CLI, batch and web app all iterate.

Each `Output` names its file, its media type, whether the web app shows it inline, and its
writer (text outputs: a renderer wrapped by `_text`). Most need only the `Analysis`, so old
`analysis.json` files still render; those marked `needs_track` (overlay, track, OpenSim
files) are skipped without the cleaned track. Adding an output format = one writer and one
entry in `OUTPUTS`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from formcheck.io.preview_frames import PreviewFrames
from formcheck.io.results import (
    atomic_write_bytes,
    atomic_write_text,
    check_output_dir,
    prepare_output_dir,
)
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

    @property
    def cleaned_track(self) -> PoseTrack:
        """The track, for outputs that need it (`Output.needs_track`: never called without)."""
        if self.track is None:
            raise ValueError("this output needs the cleaned track")
        return self.track


Writer = Callable[[OutputJob, Path], Path]


@dataclass(frozen=True)
class Output:
    name: str
    media_type: str
    inline: bool  # the web app shows it in the browser; the others download
    write: Writer
    optional: str | None = None  # the switch that can leave it out: "report" / "overlay"
    needs_track: bool = False  # skipped when there is no cleaned track (a stored analysis)


def _text(render: Callable[[OutputJob], str]) -> Writer:
    """The writer of a text output: `render`'s string, written atomically."""
    def write(job: OutputJob, path: Path) -> Path:
        atomic_write_text(path, render(job))
        return path
    return write


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


def _write_overlay(job: OutputJob, path: Path) -> Path:
    from formcheck.report.overlay import write_overlay_video

    return write_overlay_video(job.video, job.analysis, job.cleaned_track, path, job.progress,
                               job.preview)


def _write_track(job: OutputJob, path: Path) -> Path:
    from formcheck.io.track_store import save_track

    save_track(job.cleaned_track, path)
    return path


def _render_trc(job: OutputJob) -> str:
    from formcheck.io.opensim import trc_text

    return trc_text(job.cleaned_track, metres_per_px=job.analysis.scale.metres_per_px,
                    file_name=KEYPOINTS_TRC.name)


def _render_mot(job: OutputJob) -> str:
    from formcheck.io.opensim import mot_text
    from formcheck.metrics.angle_series import joint_angle_series
    from formcheck.view import View

    angles = joint_angle_series(job.cleaned_track, View(job.analysis.view),
                                roll_deg=job.analysis.scale.roll_deg)
    return mot_text(job.cleaned_track.time_s, angles, name=Path(ANGLES_MOT.name).stem)


def _write_c3d(job: OutputJob, path: Path) -> Path:
    from formcheck.io.c3d_file import c3d_bytes

    atomic_write_bytes(path, c3d_bytes(job.cleaned_track,
                                       metres_per_px=job.analysis.scale.metres_per_px))
    return path


def _render_report(job: OutputJob) -> str:
    from formcheck.report.html import render_report

    with timed("report"):
        return render_report(job.analysis, job.video if job.video.is_file() else None,
                             overlay=OVERLAY.name if OVERLAY.name in job.writing else None)


ANALYSIS_JSON = Output("analysis.json", "application/json", False, _text(_render_json))
STRIDES_CSV = Output("strides.csv", "text/csv", False, _text(_render_csv))
# The cleaned track the metrics were measured on (`formcheck export` makes the OpenSim files
# from it again), and the OpenSim files themselves: keypoints in metres when the height is known
TRACK_NPZ = Output("track.npz", "application/octet-stream", False, _write_track,
                   needs_track=True)
KEYPOINTS_TRC = Output("keypoints.trc", "text/plain", False, _text(_render_trc),
                       needs_track=True)
ANGLES_MOT = Output("angles.mot", "text/plain", False, _text(_render_mot), needs_track=True)
# The same keypoints for motion-capture tools (Visual3D, Mokka, ezc3d): mm with the height
MARKERS_C3D = Output("markers.c3d", "application/octet-stream", False, _write_c3d,
                     needs_track=True)
OVERLAY = Output("overlay.mp4", "video/mp4", True, _write_overlay, optional="overlay",
                 needs_track=True)
REPORT_HTML = Output("report.html", "text/html", True, _text(_render_report),
                     optional="report")
# In writing order: the report links the overlay, so the overlay comes first.
OUTPUTS: tuple[Output, ...] = (ANALYSIS_JSON, STRIDES_CSV, TRACK_NPZ, KEYPOINTS_TRC, ANGLES_MOT,
                                MARKERS_C3D, OVERLAY, REPORT_HTML)
# what `formcheck export` writes
EXPORTS: tuple[Output, ...] = (KEYPOINTS_TRC, ANGLES_MOT, MARKERS_C3D)
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
    holds them; without `track` there is no overlay, track or OpenSim file; `report=False`
    and `overlay=False` leave out the HTML report and the overlay video.

    One after the other: rendering the report (matplotlib, pure Python) on a thread beside
    the overlay's drawing was measured slower than in turn (2.8 s against 2.1 s on the
    GaitLab clip) — the two fight over Python's lock."""
    chosen = [o for o in OUTPUTS if (report or o.optional != "report")
              and (overlay or o.optional != "overlay")
              and (track is not None or not o.needs_track)]
    job = OutputJob(analysis, out_dir, video or Path(analysis.video.path), track, progress,
                    tuple(o.name for o in chosen), preview)
    with timed("outputs (wall)"):
        prepare(out_dir)
        return [output.write(job, out_dir / output.name) for output in chosen]


def write_exports(analysis: Analysis, track: PoseTrack, out_dir: Path) -> list[Path]:
    """The OpenSim files of a stored analysis and its track, atomically, into `out_dir`."""
    prepare(out_dir)
    job = OutputJob(analysis, out_dir, Path(analysis.video.path), track)
    return [output.write(job, out_dir / output.name) for output in EXPORTS]
