"""A hand-held camera travelling with an overground runner (rendered, with exact truth):
the camera's motion is measured from the background and the foot strikes hold."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.config import PlausibilityConfig
from formcheck.pipeline import analyze_video

pytestmark = pytest.mark.integration

CLIP = "outdoor_side_right_handheld_strong_30"  # ±0.8° shake, 30 fps, motion blur


@pytest.fixture(scope="module")
def handheld(model_dir: Path, data_dir: Path):  # noqa: ANN201
    truth = json.loads((data_dir / "synthetic" / f"{CLIP}.truth.json").read_text())
    return analyze_video(data_dir / "synthetic" / f"{CLIP}.mp4"), truth


def _true_ics(truth: dict, foot: str) -> np.ndarray:
    events = truth["events"].get(foot) or truth["events"][foot[0].upper()]
    return np.array([e["ic_frame"] for e in events if e.get("ic_frame") is not None])


def test_the_camera_motion_is_named(handheld) -> None:  # noqa: ANN001
    analysis, _ = handheld
    assert "camera_moving" in [q.code for q in analysis.quality]


def test_cadence_matches_the_truth(handheld) -> None:  # noqa: ANN001
    analysis, truth = handheld
    assert analysis.cadence_spm == pytest.approx(truth["params"]["cadence_spm"]["value"],
                                                 abs=1.0)


def test_reported_strikes_are_within_one_frame(handheld) -> None:  # noqa: ANN001
    """The issue's target for real clips: ≥ 90 % of ICs within one frame, both feet."""
    analysis, truth = handheld
    for foot in ("left", "right"):
        ours = np.array([e.frame for e in analysis.events
                         if e.foot == foot and e.type == "initial_contact"])
        errors = np.array([np.min(np.abs(_true_ics(truth, foot) - f)) for f in ours])
        assert len(ours) >= 10
        assert np.mean(errors <= 1) >= 0.9


def test_the_near_foot_misses_no_more_strikes_than_the_gate_allows(handheld) -> None:  # noqa: ANN001
    analysis, truth = handheld
    ours = np.array([e.frame for e in analysis.events
                     if e.foot == "right" and e.type == "initial_contact"])
    found = [np.min(np.abs(ours - t)) <= 1 for t in _true_ics(truth, "right")]
    assert np.mean(found) >= 1 - PlausibilityConfig().max_missed_share


def test_sixty_to_thirty_fps_keeps_the_findings(model_dir: Path, data_dir: Path,
                                                tmp_path: Path) -> None:
    """A 60-fps hand-held outdoor clip and every other frame of it (what a 30-fps phone
    records): the same findings where neither is at a boundary within its precision, and
    the same cadence. (No real 60-fps clip is outside the reserved set; this one is
    rendered.)"""
    from clips import firm_severities, reencode

    clip = data_dir / "synthetic" / "outdoor_side_left_neutral_60.mp4"
    at_60 = analyze_video(clip)
    at_30 = analyze_video(reencode(clip, tmp_path / "at30.mp4", crf=18,
                                   keep=lambda i: i % 2 == 0))

    ours, theirs = firm_severities(at_30), firm_severities(at_60)
    shared = set(ours) & set(theirs)
    assert len(shared) >= len(theirs) - 2
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}
    assert at_30.cadence_spm == pytest.approx(at_60.cadence_spm, abs=1.5)
