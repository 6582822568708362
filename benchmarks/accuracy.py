"""Accuracy against ground truth: every clip in ../shared/data with a truth file.

    python benchmarks/accuracy.py [--data ../shared/data] [--model full] [--cache DIR]

Prints one table: metric, n, median absolute error, 95th percentile, DESIGN §8 target.
Pose tracks are cached (--cache) so re-runs after changing later stages take seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

from formcheck.config import PoseConfig
from formcheck.io.track_store import load_track, save_track
from formcheck.pipeline import analyze_track
from formcheck.pose.mediapipe.landmarker import MediaPipeBackend
from formcheck.pose.segmented import estimate_pose_segmented

# our metric id → (truth key in a synthetic stride, scale to our unit, target, unit)
STRIDE_TRUTH = {
    "overstride_pct_leg": (("overstride", "frac_leg_at_event"), 100.0, 3.0, "% leg"),
    "knee_flexion_ic_deg": (("knee_flexion_ic_deg", "sagittal_at_event"), 1.0, 3.0, "deg"),
    "contact_time_ms": (("contact_time_s",), 1000.0, None, "ms"),
    "flight_time_ms": (("flight_time_s",), 1000.0, None, "ms"),
}


def _get(d: dict, keys: tuple[str, ...]) -> float | None:
    for k in keys:
        d = d.get(k) if isinstance(d, dict) else None
        if d is None:
            return None
    return float(d)


def pose_track(video: Path, model: str, cache: Path | None):  # noqa: ANN201
    cached = cache / f"{video.stem}.{model}.npz" if cache else None
    if cached and cached.exists():
        return load_track(cached)
    # the track `formcheck analyze` makes: the clip's segments, as many threads as cores
    track = estimate_pose_segmented(video, MediaPipeBackend(model), PoseConfig(model=model),
                                    workers=os.cpu_count() or 1)
    if cached:
        save_track(track, cached)
    return track


def evaluate_synthetic(video: Path, truth: dict, model: str, cache: Path | None,
                       errors: dict[str, list[float]], notes: list[str]) -> None:
    analysis = analyze_track(pose_track(video, model, cache))
    errors.setdefault("_drift", []).extend(drift_lines(video, truth, analysis))
    fps = truth["fps"]
    if analysis.view != truth["view"]:
        notes.append(f"{video.name}: view {analysis.view}, truth {truth['view']}")
    errors.setdefault("view correct (%)", []).append(100.0 * (analysis.view == truth["view"]))
    errors.setdefault("cadence_spm", []).append(
        abs(analysis.cadence_spm - truth["summary"]["cadence_spm"]["both"]["mean"]))
    leg_m = truth["body"]["leg_length_m"]
    true_strides = {(s["side"], s["ic_frame"]): s for s in truth["strides"]
                    if s["ic_frame"] is not None}
    for event_type, key in (("initial_contact", "ic_frame"), ("toe_off", "to_frame")):
        for ev in (e for e in analysis.events if e.type == event_type):
            frames = [e[key] for e in truth["events"][ev.foot] if e[key] is not None]
            if frames:
                d = min(abs(ev.frame - f) for f in frames)
                if d <= 10:
                    name = "IC" if event_type == "initial_contact" else "TO"
                    errors.setdefault(f"{name} within 1 frame (%)", []).append(100.0 * (d <= 1))
                    errors.setdefault(f"{name} within 2 frames (%)", []).append(100.0 * (d <= 2))
    strike_truth = truth["params"]["foot_strike_angle_deg"]["value"]
    for stride in analysis.strides:
        match = min((s for (side, f), s in true_strides.items() if side == stride.foot),
                    key=lambda s: abs(s["ic_frame"] - stride.ic_frame), default=None)
        if match is None or abs(match["ic_frame"] - stride.ic_frame) > 3:
            continue
        for metric, (keys, scale, _, _) in STRIDE_TRUTH.items():
            true_value = _get(match, keys)
            ours = stride.metrics.get(metric)
            if true_value is not None and ours is not None:
                errors.setdefault(metric, []).append(abs(ours - scale * true_value))
        series = truth["series"]["trunk_lean_sagittal_deg"]
        if match["to_frame"] is not None and stride.metrics.get("trunk_lean_deg") is not None:
            # our definition: mean over stance; the truth series gives the same per frame
            true_lean = float(np.mean(series[match["ic_frame"]:match["to_frame"]]))
            errors.setdefault("trunk_lean_deg", []).append(
                abs(stride.metrics["trunk_lean_deg"] - true_lean))
        vo = match.get("vertical_oscillation_cm")
        if vo is not None and stride.metrics.get("vertical_oscillation_pct_leg") is not None:
            errors.setdefault("vertical_oscillation_pct_leg", []).append(
                abs(stride.metrics["vertical_oscillation_pct_leg"] - vo / leg_m))
        if isinstance(strike_truth, (int, float)) and stride.metrics.get(
                "foot_strike_angle_deg") is not None:
            errors.setdefault("foot_strike_angle_deg", []).append(
                abs(stride.metrics["foot_strike_angle_deg"] - strike_truth))
        lumbar = _get(match, ("lumbar_extension_deg", "stride_mean"))
        if lumbar is not None and stride.metrics.get("lumbar_extension_index") is not None:
            errors.setdefault("_lumbar_pairs", []).append(
                (lumbar, stride.metrics["lumbar_extension_index"]))
    _ = fps


FRONTAL_TRUTH = {
    "pelvic_drop_deg": ("pelvic_drop_deg", "frontal_at_midstance"),
    "knee_fppa_deg": ("fppa_deg", "frontal_peak_in_stance"),
    "knee_fppa_midstance_deg": ("fppa_deg", "frontal_at_midstance"),
    "toe_out_deg": ("fpa_deg", "ground_at_midstance"),
    "toe_out_world_deg": ("fpa_deg", "ground_at_midstance"),
    "lateral_trunk_sway_deg": ("trunk_sway_deg", "frontal_at_midstance"),
}


def evaluate_frontal(video: Path, truth: dict, model: str, cache: Path | None,
                     errors: dict[str, list[float]], notes: list[str]) -> None:
    analysis = analyze_track(pose_track(video, model, cache))
    errors.setdefault("_drift", []).extend(drift_lines(video, truth, analysis))
    view = truth["view"]
    if analysis.view != view:
        notes.append(f"{video.name}: view {analysis.view}, truth {view}")
    errors.setdefault("view correct (%)", []).append(100.0 * (analysis.view == view))
    errors.setdefault("cadence_spm", []).append(
        abs(analysis.cadence_spm - truth["summary"]["cadence_spm"]["both"]["mean"]))
    source = next((q.message for q in analysis.quality if q.code == "pelvis_source"), "")
    notes.append(f"{video.name}: {source}")
    true_strides = [s for s in truth["strides"] if s["midstance_frame"] is not None]
    width_truth = 100 * truth["params"]["step_width_m"]["value"] \
        / truth["body"]["hip_joint_distance_m"]
    for stride in analysis.strides:
        mid = stride.midstance_frame
        candidates = [s for s in true_strides if s["side"] == stride.foot]
        match = min(candidates, key=lambda s: abs(s["midstance_frame"] - mid), default=None)
        if match is None or abs(match["midstance_frame"] - mid) > 4:
            continue
        errors.setdefault("midstance within 2 frames (%)", []).append(
            100.0 * (abs(match["midstance_frame"] - mid) <= 2))
        for metric, keys in FRONTAL_TRUTH.items():
            ours, true_value = stride.metrics.get(metric), _get(match, keys)
            if ours is not None and true_value is not None:
                errors.setdefault(f"{metric} ({view})", []).append(abs(ours - true_value))
        if stride.metrics.get("step_width_pct_pelvis") is not None:
            errors.setdefault(f"step_width_pct_pelvis ({view})", []).append(
                abs(stride.metrics["step_width_pct_pelvis"] - width_truth))


DRIFT_TRUTH = {  # our metric → truth summary key (first/last 20 % of strides)
    "overstride_pct_leg": ("overstride.frac_leg_at_event", 100.0),
    "trunk_lean_deg": ("trunk_lean_deg.sagittal_at_midstance", 1.0),
    "pelvic_drop_deg": ("pelvic_drop_deg.frontal_at_midstance", 1.0),
    "knee_fppa_deg": ("fppa_deg.frontal_peak_in_stance", 1.0),
    "toe_out_deg": ("fpa_deg.ground_at_midstance", 1.0),
}


def drift_lines(video: Path, truth: dict, analysis) -> list[str]:  # noqa: ANN001
    """Which drifts the truth contains and which formcheck flags."""
    lines = []
    for metric, (key, scale) in DRIFT_TRUTH.items():
        true = truth["summary"].get(key, {}).get("both")
        ours = analysis.drift.get(metric)
        if true is None or ours is None:
            continue
        first, last = scale * true["first20pct_mean"], scale * true["last20pct_mean"]
        lines.append(f"| {video.stem} | {metric} | {first:.1f} → {last:.1f} | "
                     f"{ours.early:.1f} → {ours.late:.1f} | "
                     f"{'yes' if ours.flagged else 'no'} |")
    return lines


def evaluate_real(video: Path, truth: dict, model: str, cache: Path | None,
                  errors: dict[str, list[float]]) -> None:
    analysis = analyze_track(pose_track(video, model, cache))
    errors.setdefault("cadence_spm (real)", []).append(
        abs(analysis.cadence_spm - truth["cadence_spm"]["value"]))


LABEL_DIRS = ("labels",)  # under --data; plus this repository's benchmarks/labels
REPO_LABELS = Path(__file__).resolve().parent / "labels"
PRECISION_METRICS = ("overstride_pct_leg", "knee_flexion_ic_deg", "trunk_lean_deg",
                     "contact_time_ms")


def _match(detected: list[int], labelled: list[int]) -> tuple[list[int], int, int]:
    """Pair each label with the nearest unused detection within 4 frames: (det − label)
    offsets, misses, extras."""
    offsets, used = [], set()
    for frame in labelled:
        near = [(abs(d - frame), i) for i, d in enumerate(detected)
                if i not in used and abs(d - frame) <= 4]
        if near:
            _, i = min(near)
            used.add(i)
            offsets.append(detected[i] - frame)
    return offsets, len(labelled) - len(offsets), len(detected) - len(used)


def labelled_clip_rows(data: Path, model: str, cache: Path | None) -> list[str]:
    """IC/TO timing per real clip and foot against hand labels (label TO = last frame on the
    ground; formcheck's toe-off frame is the first frame airborne, so 1 is subtracted)."""
    from formcheck.errors import FormcheckError

    files = [f for d in LABEL_DIRS for f in sorted((data / d).glob("*.events.json"))]
    files += sorted(REPO_LABELS.glob("*.events.json"))
    rows = []
    for path in files:
        labels = json.loads(path.read_text())
        video = data / "real" / labels["video"]
        if not video.exists():
            continue
        fps = float(labels["fps"])
        lo, hi = labels.get("labelled_frames", [0, 10**9])
        try:
            analysis = analyze_track(pose_track(video, model, cache))
        except FormcheckError as exc:
            first = exc.problems[0] if getattr(exc, "problems", None) else str(exc)
            rows.append(f"| {video.stem} | – | refused: {first} | | | | | |")
            continue
        for foot, side in (("L", "left"), ("R", "right")):
            ics = [e.frame for e in analysis.events if e.foot == side
                   and e.type == "initial_contact" and lo <= e.frame <= hi]
            tos = [e.frame - 1 for e in analysis.events if e.foot == side
                   and e.type == "toe_off" and lo <= e.frame - 1 <= hi]
            lab = {t: [e["frame"] for e in labels["events"] if e["foot"] == foot
                       and e["type"] == t] for t in ("IC", "TO")}
            cells = []
            for detected, labelled in ((ics, lab["IC"]), (tos, lab["TO"])):
                off, miss, extra = _match(detected, labelled)
                a = np.abs(off)
                cells.append(f"{len(labelled)} / {miss} / {extra} | "
                             + (f"{np.mean(off):+.2f} | {100 * np.mean(a <= 1):.0f} % / "
                                f"{100 * np.mean(a <= 2):.0f} %" if off else "– | –"))
            contact_err = []
            for ic, to in zip(sorted(lab["IC"]), sorted(lab["TO"]), strict=False):
                to = next((t for t in sorted(lab["TO"]) if t > ic), None)
                ours_ic = next((d for d in ics if abs(d - ic) <= 2), None)
                ours_to = next((d for d in tos if to is not None and abs(d - to) <= 2), None)
                if to is not None and ours_ic is not None and ours_to is not None:
                    contact_err.append(1000 * ((ours_to - ours_ic) - (to - ic)) / fps)
            ce = f"{np.mean(contact_err):+.0f} ({np.mean(np.abs(contact_err)):.0f})" \
                if contact_err else "–"
            rows.append(f"| {video.stem} | {foot} | {cells[0]} | {cells[1]} | {ce} |")
    return rows


def precision_rows(data: Path, model: str, cache: Path | None) -> list[str]:
    """± (95 %) on each side's median, as the findings state it (stride-to-stride spread;
    whole-frame times at least half a frame), on steady clips."""
    from formcheck.errors import FormcheckError

    clips = [data / "real" / "gaitlab_male_side_treadmill.mp4"] + \
        sorted((data / "synthetic").glob("neutral_side_*.mp4"))
    rows = []
    for video in clips:
        if not video.exists():
            continue
        try:
            analysis = analyze_track(pose_track(video, model, cache))
        except FormcheckError:
            continue
        stated = {(f.metric, f.side): f.precision for f in analysis.findings
                  if f.kind == "level"}
        cells = []
        for metric in PRECISION_METRICS:
            summary = analysis.summary.get(metric)
            if summary is None:
                cells.append("–")
                continue
            parts = []
            for side in ("left", "right"):
                st = getattr(summary, side)
                p = stated.get((metric, side))
                parts.append("–" if st.median is None or p is None
                             else f"{st.median:.1f} ± {p:.1f}")
            cells.append(" / ".join(parts))
        rows.append(f"| {video.stem} | " + " | ".join(cells) + " |")
    return rows


TARGETS = {"pelvic_drop_deg (rear)": "≤ 2°", "pelvic_drop_deg (front)": "≤ 2°",
           "knee_fppa_deg (rear)": "≤ 2°", "knee_fppa_deg (front)": "≤ 2°",
           "toe_out_deg (rear)": "≤ 4°", "toe_out_deg (front)": "≤ 4°",
           "toe_out_world_deg (rear)": "≤ 4°", "toe_out_world_deg (front)": "≤ 4°",
           "overstride_pct_leg": "≤ 3 % leg", "knee_flexion_ic_deg": "≤ 3°",
           "trunk_lean_deg": "≤ 3°", "foot_strike_angle_deg": "≤ 3°",
           "cadence_spm": "≤ 1 spm", "cadence_spm (real)": "≤ 1 spm",
           "IC within 1 frame (%)": "≥ 90 %", "IC within 2 frames (%)": "≥ 80 % (real)",
           "view correct (%)": "100 %"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("FORMCHECK_DATA_DIR", "../shared/data")))
    parser.add_argument("--model", default="full")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--only", default="",
                        help="comma-separated substrings; a clip is kept if it has any")
    args = parser.parse_args()
    errors: dict[str, list] = {}
    notes: list[str] = []
    clips = sorted(args.data.glob("*/*.truth.json"))
    wanted = args.only.split(",")
    clips = [c for c in clips if "reserved" not in c.parts and any(w in c.name for w in wanted)]
    for truth_path in clips:
        video = truth_path.with_name(truth_path.name.replace(".truth.json", ".mp4"))
        truth = json.loads(truth_path.read_text())
        print(f"… {video.name}", file=sys.stderr, flush=True)
        try:
            if truth.get("format", "").startswith("synthrun"):
                if str(truth["view"]).startswith("side"):
                    evaluate_synthetic(video, truth, args.model, args.cache, errors, notes)
                else:
                    evaluate_frontal(video, truth, args.model, args.cache, errors, notes)
            else:
                evaluate_real(video, truth, args.model, args.cache, errors)
        except Exception as exc:  # report and continue: one bad clip must not hide the rest
            notes.append(f"{video.name}: {type(exc).__name__}: {exc}")
    print(f"\nmodel: {args.model}; clips: {len(clips)}\n")
    print("| metric | n | median abs error | 95th pct | target |")
    print("|---|---|---|---|---|")
    for metric, values in errors.items():
        if metric.startswith("_"):
            continue
        arr = np.asarray(values, dtype=float)
        if "(%)" in metric:
            print(f"| {metric} | {arr.size} | {arr.mean():.1f} % | – | {TARGETS.get(metric, '')} |")
        else:
            print(f"| {metric} | {arr.size} | {np.median(arr):.2f} | "
                  f"{np.percentile(arr, 95):.2f} | {TARGETS.get(metric, '–')} |")
    if pairs := errors.get("_lumbar_pairs"):
        t, ours = np.asarray(pairs).T
        print(f"\nlumbar_extension_index vs true lumbar extension angle: Pearson r = "
              f"{np.corrcoef(t, ours)[0, 1]:.2f} over {len(t)} strides")
    if rows := errors.get("_drift"):
        print("\nDrift (truth: mean of the first and last 20 % of strides; formcheck: medians of "
              "the first and last quarter; flagged = change > SDD and 95 % CI excludes 0)\n")
        print("| clip | metric | truth early → late | formcheck early → late | flagged |")
        print("|---|---|---|---|---|")
        print("\n".join(rows))
    if rows := labelled_clip_rows(args.data, args.model, args.cache):
        print("\nReal clips against hand labels (frames; n / missed / extra; bias = mean "
              "detected − labelled; contact = mean signed (mean absolute) error, ms)\n")
        print("| clip | foot | IC n / miss / extra | IC bias | IC within 1 / 2 | "
              "TO n / miss / extra | TO bias | TO within 1 / 2 | contact time error |")
        print("|---|---|---|---|---|---|---|---|---|")
        print("\n".join(rows))
    if rows := precision_rows(args.data, args.model, args.cache):
        print("\nPrecision on steady clips: median ± 95 % half-width from the stride-to-stride "
              "spread, left / right\n")
        print("| clip | " + " | ".join(PRECISION_METRICS) + " |")
        print("|---|" + "---|" * len(PRECISION_METRICS))
        print("\n".join(rows))
    for note in notes:
        print(f"note: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
