"""`analyze_video()`: the one public entry point every front end calls."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from formcheck import __version__, schema
from formcheck.advice import advise, disclaimer, drift_findings, safety_notes
from formcheck.cleaning import CleaningReport, clean_track, torso_length_px
from formcheck.config import Config
from formcheck.drift import drift_of
from formcheck.events import GaitEvents
from formcheck.families import ViewFamily, family_of
from formcheck.findings import assess, asymmetry, leg_visibility, metric_info_of
from formcheck.io.preview_frames import PreviewFrames
from formcheck.io.video import probe
from formcheck.keyframes import key_frames
from formcheck.metrics.compute import StrideResult, build_contexts, compute_strides, summarise
from formcheck.metrics.context import FrontalStrideContext
from formcheck.metrics.gait_cycle import CurveWithheld, CycleCurves, gait_cycle_curves
from formcheck.plausibility import check_decoding, check_steps, gate_strides
from formcheck.pose.backend import PoseBackend
from formcheck.pose.mediapipe.landmarker import MediaPipeBackend
from formcheck.pose.segmented import estimate_pose_segmented
from formcheck.pose.stage import ProgressFn
from formcheck.quality import Level, QualityReport, check_gait, check_track, check_video, check_view
from formcheck.schema import rounded
from formcheck.texts import Lang
from formcheck.timings import timed
from formcheck.track import PoseTrack
from formcheck.view import View, ViewDecision, detect_view


@dataclass(frozen=True)
class AnalyzeOptions:
    model: str = "full"
    model_path: Path | None = None
    height_cm: float | None = None
    view: View | None = None  # None = detect
    lang: Lang = "en"
    workers: int = 1  # threads for the pose step's segments (results do not change)
    keep_preview: bool = False  # keep the frames at the overlay's size (`AnalysisRun.preview`)
    config: Config = field(default_factory=Config)
    backend: PoseBackend | None = None  # None: MediaPipe with `model` / `model_path`

    def pose_backend(self) -> PoseBackend:
        return self.backend or MediaPipeBackend(self.model, self.model_path)


@dataclass(frozen=True)
class AnalysisRun:
    """An analysis, the cleaned pose track it was measured on and, when asked for, the
    clip's frames at the overlay's size (for the overlay video; close it when done)."""

    analysis: schema.Analysis
    track: PoseTrack
    preview: PreviewFrames | None = None

    def close(self) -> None:
        if self.preview is not None:
            self.preview.close()


def analyze_video(path: Path | str, options: AnalyzeOptions | None = None,
                  progress: ProgressFn | None = None) -> schema.Analysis:
    """Video file → Analysis. Raises a FormcheckError subclass with a clear message."""
    return analyze_video_run(path, options, progress).analysis


def analyze_video_run(path: Path | str, options: AnalyzeOptions | None = None,
                      progress: ProgressFn | None = None) -> AnalysisRun:
    """Like `analyze_video`, also keeping the cleaned track."""
    options = options or AnalyzeOptions()
    path = Path(path)
    config = options.config
    report = QualityReport()
    info = probe(path)
    check_video(info, config.quality, report)
    report.raise_if_refused(str(path))
    pose_config = replace(config.pose, model=options.model)
    started = time.perf_counter()
    preview = PreviewFrames() if options.keep_preview else None
    try:
        with timed("pose stage (wall)"):
            track = estimate_pose_segmented(path, options.pose_backend(), pose_config,
                                            options.workers, progress=progress, info=info,
                                            preview=preview)
        pose_fps = track.n_frames / max(time.perf_counter() - started, 1e-9)
        run = analyze_track_run(track, options, report, pose_fps)
    except BaseException:
        if preview is not None:
            preview.close()
        raise
    return replace(run, preview=preview)


def analyze_track(track: PoseTrack, options: AnalyzeOptions | None = None,
                  report: QualityReport | None = None,
                  pose_fps: float | None = None) -> schema.Analysis:
    """Everything after the pose step: usable on stored or synthetic tracks."""
    return analyze_track_run(track, options, report, pose_fps).analysis


def analyze_track_run(track: PoseTrack, options: AnalyzeOptions | None = None,
                      report: QualityReport | None = None,
                      pose_fps: float | None = None) -> AnalysisRun:
    """Like `analyze_track`, also keeping the cleaned track."""
    with timed("events and metrics"):
        return _analyze_track_run(track, options, report, pose_fps)


def _analyze_track_run(track: PoseTrack, options: AnalyzeOptions | None,
                       report: QualityReport | None, pose_fps: float | None) -> AnalysisRun:
    """One straight line of stages; what differs between views lives in the view's family."""
    options = options or AnalyzeOptions()
    config = options.config
    report = report or QualityReport()
    path = track.video.path
    check_track(track, config.quality, report)
    check_decoding(track, report, config.plausibility)
    if any(n.code == "no_runner" for n in report.refusals):
        report.raise_if_refused(path)
    cleaned, cleaning = clean_track(track, config.cleaning)
    decision = detect_view(cleaned, options.view, config.view)
    report.add("view", Level.INFO, view=decision.view.value, pct=100 * decision.confidence)
    check_view(decision, report)
    report.raise_if_refused(path)
    family = family_of(decision.view)
    leg_px = family.leg_px(cleaned, decision.view)
    family.prepare(cleaned, leg_px, config, report)
    report.raise_if_refused(path)
    events = family.events(cleaned, leg_px, config)
    leg_px = family.refine_leg_px(cleaned, decision.view, events, leg_px)
    check_gait(events, config.quality, report, config.findings.min_strides)
    check_steps(events, report, config.plausibility)
    report.raise_if_refused(path)
    roll = family.roll_deg(cleaned, events, leg_px)
    leg_cm = options.height_cm * config.metrics.leg_length_per_height \
        if options.height_cm else None
    contexts = build_contexts(cleaned, events, decision.view, leg_px, roll, leg_cm)
    strides, defs = compute_strides(contexts, family.name)
    strides = gate_strides(strides, family.near_leg(decision.view), report,
                           config.plausibility)
    if decision.oblique or decision.changes_view:
        # angles measured in an oblique or changing view are projections of the wrong plane
        strides = [replace(s, metrics={}) for s in strides]
        defs = []
    if contexts and isinstance(contexts[0], FrontalStrideContext):
        note_pelvis_source(contexts[0].geometry.pelvis_source, decision.view, report)
    summary = summarise(strides, [d.id for d in defs])
    cycles = gait_cycle_curves(cleaned, decision.view, roll, events.stances, strides,
                               config.gait_cycle, config.findings.min_strides)
    for key, params in decision.notes:
        report.add("view", Level.WARN, key, **params)
    analysis = _assemble(cleaned, decision, events, strides, summary, report, cleaning,
                         leg_px, roll, options, pose_fps, family, leg_cm)
    analysis = analysis.model_copy(update={"gait_cycle": _gait_cycle(cycles)})
    return AnalysisRun(analysis, cleaned)


def note_pelvis_source(source: str, view: View, report: QualityReport) -> None:
    """Say where pelvic drop came from (rear/front views), and what rear views cannot do."""
    if source == "hip landmarks":
        report.add("pelvis_source", Level.WARN, "pelvis_source_hips")
    else:
        report.add("pelvis_source", Level.INFO, "pelvis_source_waistband")
    if view is View.REAR:
        report.add("toe_out_view", Level.INFO)


def _events(events: GaitEvents) -> list[schema.Event]:
    out = []
    for s in events.stances:
        out.append(schema.Event(foot=s.foot.value, type="initial_contact", frame=s.ic_frame,
                                time_s=round(s.ic_time_s, 4)))
        out.append(schema.Event(foot=s.foot.value, type="toe_off", frame=s.to_frame,
                                time_s=round(s.to_time_s, 4)))
    return sorted(out, key=lambda e: (e.frame, e.type))


def _gait_cycle(cycles: dict[str, CycleCurves]) -> dict[str, schema.CycleAngle]:
    out = {}
    for angle_id, curves in cycles.items():
        sides: dict[str, schema.CycleSide] = {}
        withheld: dict[schema.SideName, schema.CycleWithheld] = {}
        for foot, c in curves.sides.items():
            if isinstance(c, CurveWithheld):
                withheld[foot.value] = schema.CycleWithheld(
                    reason=c.reason, n_cycles=c.n_cycles, min_cycles=c.min_cycles)
                continue
            sides[foot.value] = schema.CycleSide(
                mean=[rounded(v, 2) for v in c.mean], sd=[rounded(v, 2) for v in c.sd],
                n_cycles=c.n_cycles, stance_pct=rounded(c.stance_pct, 2),
                stance_pct_sd=rounded(c.stance_pct_sd, 2), low_confidence=c.low_confidence)
        out[angle_id] = schema.CycleAngle(unit=curves.angle.unit, sign=curves.angle.sign,
                                          withheld=withheld, **sides)
    return out


def _assemble(track: PoseTrack, decision: ViewDecision, events: GaitEvents,
              strides: list[StrideResult], summary: dict[str, schema.MetricSummary],
              report: QualityReport,
              cleaning: CleaningReport, leg_px: float, roll: float, options: AnalyzeOptions,
              pose_fps: float | None, family: ViewFamily,
              leg_cm: float | None) -> schema.Analysis:
    info = track.video
    metric_info = {metric_id: metric_info_of(metric_id) for metric_id in summary}
    return schema.Analysis(
        tool_version=__version__,
        video=schema.VideoMeta(path=info.path, fps=round(track.fps, 3), width=info.width,
                               height=info.height, duration_s=round(info.duration_s, 3),
                               rotation_deg=info.rotation_deg, n_frames=track.n_frames,
                               variable_frame_rate=track.is_variable_rate),
        view=decision.view.value,
        view_confidence=round(decision.confidence, 3),
        cadence_spm=rounded(events.cadence_spm, 2),
        events=_events(events),
        strides=[schema.Stride(foot=s.foot.value, ic_frame=s.ic_frame,
                               ic_time_s=round(s.ic_time_s, 4), to_frame=s.to_frame,
                               midstance_frame=s.midstance_frame,
                               metrics={k: rounded(v) for k, v in s.metrics.items()})
                 for s in strides],
        summary={k: schema.MetricSummary(**{side: schema.Stat(
            median=rounded(st.median), iqr=rounded(st.iqr), n=st.n)
            for side, st in v}) for k, v in summary.items()},
        drift=(drift := drift_of(strides, list(summary), report, options.config.findings)),
        findings=advise(assess(summary, leg_visibility(track), decision.confidence,
                               options.config.findings, frame_ms=1000.0 / track.fps),
                        options.lang) + drift_findings(drift, options.lang),
        asymmetry=asymmetry(summary, options.config.findings),
        quality=[schema.QualityNoteModel(code=n.code, level=n.level.value, message=n.message,
                                         key=n.key, params=n.params) for n in report.notes],
        metrics=metric_info,
        scale=schema.Scale(leg_length_px=round(leg_px, 2),
                           trunk_length_px=round(float(np.nanmedian(torso_length_px(track))), 2),
                           roll_deg=round(roll, 2), height_cm=options.height_cm,
                           leg_length_cm=None if leg_cm is None else round(leg_cm, 2)),
        processing=schema.Processing(model=track.model, pose_fps=rounded(pose_fps, 1),
                                     swapped_frames=cleaning.swapped_frames,
                                     filled_frames=cleaning.filled_frames,
                                     dropped_identity_frames=cleaning.dropped_identity_frames,
                                     lowpass_hz=round(cleaning.lowpass_hz, 2),
                                     provenance=list(track.provenance)),
        key_frames=key_frames(track, strides, family),
        lang=options.lang, disclaimer=disclaimer(options.lang),
        safety=safety_notes(options.lang),
    )
