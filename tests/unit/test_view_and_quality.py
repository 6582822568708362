"""View detection and capture-quality refusals on synthetic tracks."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck import landmarks as L
from formcheck.config import QualityConfig
from formcheck.errors import CaptureQualityError, NoRunnerError
from formcheck.pipeline import AnalyzeOptions, analyze_track
from formcheck.quality import QualityReport, check_track
from formcheck.synthetic import SyntheticRunner, synthetic_side_track
from formcheck.track import PoseTrack
from formcheck.view import View, detect_view


@pytest.mark.parametrize("facing_right, expected", [(True, View.SIDE_RIGHT),
                                                     (False, View.SIDE_LEFT)])
def test_side_and_facing(facing_right: bool, expected: View) -> None:
    track, _ = synthetic_side_track(SyntheticRunner(facing_right=facing_right))
    decision = detect_view(track)
    assert decision.view is expected
    assert decision.confidence > 0.8
    assert not decision.oblique


def _frontal(track: PoseTrack, facing_camera: bool) -> PoseTrack:
    """Turn a side track into a rough frontal one: body width, mirrored for the front view."""
    xy = track.image_xy.copy()
    world = track.world_xyz.copy()
    half = 60.0
    sign = 1.0 if facing_camera else -1.0  # front: runner's left on image right
    for left, right in ((L.LEFT_SHOULDER, L.RIGHT_SHOULDER), (L.LEFT_HIP, L.RIGHT_HIP)):
        centre = 0.5 * (xy[:, left, 0] + xy[:, right, 0])
        xy[:, left, 0] = centre + sign * half
        xy[:, right, 0] = centre - sign * half
    world[:, L.NOSE, 2] = -0.2 if facing_camera else 0.2
    world[:, [L.LEFT_HIP, L.RIGHT_HIP], 2] = 0.0
    return track.with_changes("test: frontal", image_xy=xy, world_xyz=world)


@pytest.mark.parametrize("facing_camera, expected", [(True, View.FRONT), (False, View.REAR)])
def test_rear_and_front(facing_camera: bool, expected: View) -> None:
    track, _ = synthetic_side_track(SyntheticRunner())
    assert detect_view(_frontal(track, facing_camera)).view is expected


def test_override_is_kept_and_disagreement_noted() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(facing_right=True))
    decision = detect_view(track, override=View.SIDE_LEFT)
    assert decision.view is View.SIDE_LEFT and decision.overridden
    assert ("view_forced", {"forced": "side_left", "suggested": "side_right"}) in decision.notes


def test_a_forced_view_of_the_wrong_family_is_refused() -> None:
    """Rear/front angles measured on a side-view clip would mean nothing: refuse, say why."""
    track, _ = synthetic_side_track(SyntheticRunner(facing_right=True))
    with pytest.raises(CaptureQualityError) as err:
        analyze_track(track, AnalyzeOptions(view=View.REAR))
    assert err.value.codes[0] == "wrong_view"
    assert err.value.notes[0].params["seen"] == "seen_side"
    assert "wrong_view" in err.value.refusal_codes
    # the English sentence and hint are unchanged; the Japanese one is rendered from codes
    assert "set to rear, but the runner is seen from the side" in err.value.problems[0]
    assert "leave the view on auto" in err.value.hint
    ja = err.value.text("ja")
    assert "横から" in ja and "自動で判定" in ja and "the runner" not in ja
    # the other side view is only a warning: the sagittal angles are still sagittal
    analysis = analyze_track(track, AnalyzeOptions(view=View.SIDE_LEFT))
    forced = [q for q in analysis.quality if q.key == "view_forced"]
    assert forced and forced[0].params == {"forced": "side_left", "suggested": "side_right"}
    assert "view forced to side_left" in forced[0].message


def test_tiny_runner_is_refused() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(leg_px=60))
    with pytest.raises(CaptureQualityError) as err:
        analyze_track(track)
    assert "runner_small" in err.value.codes


def test_no_runner_is_refused() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(dropout_frames=((0, 700),)))
    with pytest.raises(NoRunnerError):
        analyze_track(track)


def test_too_few_strides_is_refused() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=1.2))
    with pytest.raises(CaptureQualityError) as err:
        analyze_track(track)
    assert "few_strides" in err.value.codes


def test_walking_is_refused() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(cadence_spm=110, duty_factor=0.62,
                                                    vertical_oscillation_leg=0.03))
    with pytest.raises(CaptureQualityError) as err:
        analyze_track(track)
    assert "walking" in err.value.codes


def test_feet_out_of_frame_is_refused() -> None:
    track, _ = synthetic_side_track(SyntheticRunner())
    xy = track.image_xy.copy()
    xy[:, [L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_TOE, L.RIGHT_TOE], 1] += 400  # below the picture
    with pytest.raises(CaptureQualityError) as err:
        analyze_track(track.with_changes("test: feet cut off", image_xy=xy))
    assert "feet_out" in err.value.codes


def test_low_frame_rate_is_a_warning_not_a_refusal() -> None:
    track, _ = synthetic_side_track(SyntheticRunner(fps=30))
    from formcheck.quality import QualityReport, check_video

    report = QualityReport()
    check_video(track.video, __import__("formcheck.config").config.QualityConfig(), report)
    assert [n.code for n in report.notes] == ["low_fps"]
    assert not report.refusals
    assert np.isfinite(analyze_track(track, report=report).cadence_spm)


def test_a_runner_shown_lying_down_is_refused_for_that_reason() -> None:
    """A clip whose rotation tag is wrong shows the runner lying down: the refusal names the
    rotation, not only a tiny runner."""
    from formcheck.quality import body_tilt_deg

    track, _ = synthetic_side_track(SyntheticRunner(duration_s=4.0))
    lying = track.with_changes("test: rotated 90°", image_xy=track.image_xy[:, :, ::-1].copy())
    assert body_tilt_deg(track) < 20 < 80 < body_tilt_deg(lying)
    report = QualityReport()
    check_track(lying, QualityConfig(), report)
    assert "runner_lying" in [n.code for n in report.refusals]
    assert "rotat" in report.refusals[0].text("en")


def test_a_tiny_runner_is_not_called_lying_down() -> None:
    """On a runner too small to measure MediaPipe's points do not form a body: their 'tilt'
    must not be reported as a rotated picture (a distant real clip once was)."""
    track, _ = synthetic_side_track(SyntheticRunner(duration_s=4.0))
    centre = np.nanmean(track.image_xy, axis=(0, 1))
    tiny = (track.image_xy[:, :, ::-1] - centre[::-1]) * 0.1 + centre
    report = QualityReport()
    check_track(track.with_changes("test: tiny, rotated", image_xy=tiny), QualityConfig(),
                report)
    assert "runner_lying" not in [n.code for n in report.notes]
    assert "runner_small" in [n.code for n in report.refusals]
