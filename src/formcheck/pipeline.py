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
from formcheck.drift import MIN_DRIFT_SPAN_S, compute_drift
from formcheck.events import GaitEvents, detect_events
from formcheck.events_frontal import detect_events_frontal
from formcheck.findings import assess, asymmetry, guidance_text
from formcheck.io.video import probe
from formcheck.landmarks import LEG, Side
from formcheck.metrics.compute import (
    StrideResult,
    build_contexts,
    compute_strides,
    frontal_roll_deg,
    summarise,
)
from formcheck.metrics.registry import REGISTRY
from formcheck.metrics.scale import ground_roll_deg, leg_length_px
from formcheck.plausibility import (
    check_camera_motion,
    check_decoding,
    check_steps,
    gate_strides,
)
from formcheck.pose.landmarker import ProgressFn
from formcheck.pose.segmented import estimate_pose_segmented
from formcheck.quality import (
    Level,
    QualityReport,
    check_frontal,
    check_gait,
    check_track,
    check_video,
    check_view,
)
from formcheck.texts import Lang
from formcheck.track import PoseTrack
from formcheck.view import View, ViewDecision, detect_view


@dataclass(frozen=True)
class AnalyzeOptions:
    model: str = "full"
    model_path: Path | None = None
    height_cm: float | None = None
    view: View | None = None  # None = detect
    lang: Lang = "en"
    workers: int = 1  # processes for the pose step of long clips (results do not change)
    config: Config = field(default_factory=Config)


@dataclass(frozen=True)
class AnalysisRun:
    """An analysis and the cleaned pose track it was measured on (for the overlay video)."""

    analysis: schema.Analysis
    track: PoseTrack


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
    pose_config = config.pose.__class__(**{**config.pose.__dict__, "model": options.model})
    started = time.perf_counter()
    track = estimate_pose_segmented(path, pose_config, options.model_path, options.workers,
                                    progress=progress, info=info)
    pose_fps = track.n_frames / max(time.perf_counter() - started, 1e-9)
    return analyze_track_run(track, options, report, pose_fps)


def analyze_track(track: PoseTrack, options: AnalyzeOptions | None = None,
                  report: QualityReport | None = None,
                  pose_fps: float | None = None) -> schema.Analysis:
    """Everything after the pose step: usable on stored or synthetic tracks."""
    return analyze_track_run(track, options, report, pose_fps).analysis


def analyze_track_run(track: PoseTrack, options: AnalyzeOptions | None = None,
                      report: QualityReport | None = None,
                      pose_fps: float | None = None) -> AnalysisRun:
    """Like `analyze_track`, also keeping the cleaned track."""
    options = options or AnalyzeOptions()
    config = options.config
    report = report or QualityReport()
    path = track.video.path
    check_track(track, config.quality, report)
    check_decoding(track, report)
    if any(n.code == "no_runner" for n in report.refusals):
        report.raise_if_refused(path)
    cleaned, cleaning = clean_track(track, config.cleaning)
    decision = detect_view(cleaned, options.view)
    report.add("view", Level.INFO, view=decision.view.value, pct=100 * decision.confidence)
    check_view(decision, report)
    report.raise_if_refused(path)
    family = "side" if decision.view.is_side else "frontal"
    near = Side.RIGHT if decision.view is View.SIDE_RIGHT else Side.LEFT
    leg_px = leg_length_px(cleaned, near, percentile=50.0 if family == "side" else 90.0)
    if family == "side":
        # seen from the side the belt and a tracking shot's ground scroll horizontally, so
        # vertical ground motion is the camera's own (front/rear: the ground scrolls vertically)
        check_camera_motion(cleaned, config.events.contact_height_leg * leg_px, report)
        report.raise_if_refused(path)
        events = detect_events(cleaned, leg_px, config.events)
        leg_px = leg_length_px(cleaned, near, events)
    else:
        check_frontal(cleaned, config.quality, report)
        events = detect_events_frontal(cleaned, leg_px, config.events)
    check_gait(events, config.quality, report)
    check_steps(events, report)
    report.raise_if_refused(path)
    roll = ground_roll_deg(cleaned, events, leg_px) if family == "side" \
        else frontal_roll_deg(cleaned)
    leg_cm = options.height_cm * config.metrics.leg_length_per_height \
        if options.height_cm else None
    contexts = build_contexts(cleaned, events, decision.view, leg_px, roll, leg_cm)
    strides, defs = compute_strides(contexts, family)
    strides = gate_strides(strides, near if family == "side" else None, report)
    if decision.oblique or decision.changes_view:
        # angles measured in an oblique or changing view are projections of the wrong plane
        strides = [replace(s, metrics={}) for s in strides]
        defs = []
    if contexts and contexts[0].frontal is not None:
        source = contexts[0].frontal.pelvis_source
        if source == "hip landmarks":
            report.add("pelvis_source", Level.WARN, "pelvis_source_hips")
        else:
            report.add("pelvis_source", Level.INFO, "pelvis_source_waistband")
        if decision.view is View.REAR:
            report.add("toe_out_view", Level.INFO)
    summary = summarise(strides, [d.id for d in defs])
    for key, params in decision.notes:
        report.add("view", Level.WARN, key, **params)
    analysis = _assemble(cleaned, decision, events, strides, summary, report, cleaning,
                         leg_px, roll, options, pose_fps)
    return AnalysisRun(analysis, cleaned)


def drift_of(strides: list[StrideResult], metric_ids: list[str],
             report: QualityReport | None = None, lang: Lang = "en",
             ) -> dict[str, schema.Drift]:
    """Early-vs-late drift per metric, both feet pooled in time order.

    Within-clip drift is only presented for clips long enough for a runner to tire (see
    `drift.MIN_DRIFT_SPAN_S`); shorter clips get a note pointing to `formcheck compare`.
    """
    out: dict[str, schema.Drift] = {}
    span = (strides[-1].ic_time_s - strides[0].ic_time_s) if len(strides) > 1 else 0.0
    if span < MIN_DRIFT_SPAN_S:
        if report is not None:
            report.add("drift_short", Level.INFO, span_s=span, min_s=MIN_DRIFT_SPAN_S)
        return out
    for metric_id in metric_ids:
        definition = REGISTRY[metric_id]
        if definition.validation_only:
            continue
        times = np.array([s.ic_time_s for s in strides])
        values = np.array([np.nan if s.metrics.get(metric_id) is None
                           else s.metrics[metric_id] for s in strides], dtype=float)
        result = compute_drift(times, values, definition.sdd)
        if result is None:
            continue
        out[metric_id] = schema.Drift(
            early=_clean(result.early), late=_clean(result.late), change=_clean(result.change),
            ci95=(round(result.ci95[0], 3), round(result.ci95[1], 3)),
            slope_per_min=_clean(result.slope_per_min), flagged=result.flagged,
            n_early=result.n_early, n_late=result.n_late)
    return out


def _events(events: GaitEvents) -> list[schema.Event]:
    out = []
    for s in events.stances:
        out.append(schema.Event(foot=s.foot.value, type="initial_contact", frame=s.ic_frame,
                                time_s=round(s.ic_time_s, 4)))
        out.append(schema.Event(foot=s.foot.value, type="toe_off", frame=s.to_frame,
                                time_s=round(s.to_time_s, 4)))
    return sorted(out, key=lambda e: (e.frame, e.type))


def _clean(value: float | None, digits: int = 3) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), digits)


def _assemble(track: PoseTrack, decision: ViewDecision, events: GaitEvents,
              strides: list[StrideResult], summary: dict, report: QualityReport,
              cleaning: CleaningReport, leg_px: float, roll: float, options: AnalyzeOptions,
              pose_fps: float | None) -> schema.Analysis:
    info = track.video
    metric_info = {}
    for metric_id in summary:
        d = REGISTRY[metric_id]
        metric_info[metric_id] = schema.MetricInfo(
            unit=d.unit, sign=d.sign, validation_only=d.validation_only,
            guidance=guidance_text(d.guidance, d.unit) if d.guidance else None)
    return schema.Analysis(
        tool_version=__version__,
        video=schema.VideoMeta(path=info.path, fps=round(track.fps, 3), width=info.width,
                               height=info.height, duration_s=round(info.duration_s, 3),
                               rotation_deg=info.rotation_deg, n_frames=track.n_frames,
                               variable_frame_rate=_is_vfr(track)),
        view=decision.view.value,
        view_confidence=round(decision.confidence, 3),
        cadence_spm=_clean(events.cadence_spm, 2),
        events=_events(events),
        strides=[schema.Stride(foot=s.foot.value, ic_frame=s.ic_frame,
                               ic_time_s=round(s.ic_time_s, 4), to_frame=s.to_frame,
                               midstance_frame=s.midstance_frame,
                               metrics={k: _clean(v) for k, v in s.metrics.items()})
                 for s in strides],
        summary={k: schema.MetricSummary(**{side: schema.Stat(
            median=_clean(st.median), iqr=_clean(st.iqr), n=st.n)
            for side, st in v.items()}) for k, v in summary.items()},
        drift=(drift := drift_of(strides, list(summary), report, options.lang)),
        findings=advise(assess(summary, leg_visibility(track), decision.confidence),
                        options.lang) + drift_findings(drift, options.lang),
        asymmetry=asymmetry(summary),
        quality=[schema.QualityNoteModel(code=n.code, level=n.level.value, message=n.message,
                                         key=n.key, params=n.params) for n in report.notes],
        metrics=metric_info,
        scale=schema.Scale(leg_length_px=round(leg_px, 2),
                           trunk_length_px=round(float(np.nanmedian(torso_length_px(track))), 2),
                           roll_deg=round(roll, 2), height_cm=options.height_cm),
        processing=schema.Processing(model=track.model, pose_fps=_clean(pose_fps, 1),
                                     swapped_frames=cleaning.swapped_frames,
                                     filled_frames=cleaning.filled_frames,
                                     dropped_identity_frames=cleaning.dropped_identity_frames,
                                     lowpass_hz=round(cleaning.lowpass_hz, 2),
                                     provenance=list(track.provenance)),
        key_frames=key_frames(track, strides, family_metric(decision.view)),
        lang=options.lang, disclaimer=disclaimer(options.lang),
        safety=safety_notes(options.lang),
    )


def leg_visibility(track: PoseTrack) -> dict[str, float]:
    """Mean MediaPipe visibility of each leg's landmarks over frames with a pose."""
    ok = track.detected
    return {foot.value: float(np.mean(track.visibility[ok][:, list(LEG[foot])]))
            if ok.any() else 0.0 for foot in Side}


def family_metric(view: View) -> str:
    """The metric drawn on the key frames of a view."""
    return "knee_flexion_ic_deg" if view.is_side else "knee_fppa_deg"


def key_frames(track: PoseTrack, strides: list[StrideResult], metric: str,
               ) -> list[schema.KeyFrame]:
    """One frame per foot: the stride whose value is that foot's median (side: the foot
    strike; rear/front: midstance)."""
    out = []
    for foot in Side:
        own = [s for s in strides if s.foot is foot and s.metrics.get(metric) is not None]
        if not own:
            continue
        values = np.array([s.metrics[metric] for s in own])
        chosen = own[int(np.argmin(np.abs(values - np.median(values))))]
        frame = chosen.ic_frame if metric == "knee_flexion_ic_deg" else \
            (chosen.midstance_frame or chosen.ic_frame)
        points = [(round(float(x), 1), round(float(y), 1)) for x, y in track.image_xy[frame]]
        out.append(schema.KeyFrame(frame=frame, time_s=round(float(track.time_s[frame]), 3),
                                   foot=foot.value, label=metric,
                                   value=_clean(chosen.metrics[metric], 1), landmarks=points))
    return out


def _is_vfr(track: PoseTrack) -> bool:
    if track.n_frames < 3:
        return False
    dt = np.diff(track.time_s)
    return bool(np.std(dt) > 0.1 * np.median(dt))
