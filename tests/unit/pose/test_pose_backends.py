"""The pose seam: any backend that maps into formcheck's skeleton gets the same analysis.

A replayed set of COCO-WholeBody-style keypoints (17 body points plus heels and big toes, no
face mesh, hands or world coordinates) of the procedural runner goes through the real pose
stage (decoding, image features, segments) and must give the events and metrics that the
runner's own track gives.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from formcheck.landmarks import NAMES
from formcheck.pipeline import AnalyzeOptions, analyze_track, analyze_video
from formcheck.pose.replay import ReplayBackend
from formcheck.synthetic import SyntheticRunner, synthetic_side_track

COCO_FEET = ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
             "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
             "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
             "left_heel", "right_heel", "left_foot_index", "right_foot_index")


def _clip(path: Path, width: int, height: int, n: int, fps: int) -> Path:
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        grey = np.full((height, width, 3), 110, np.uint8)
        for _ in range(n):
            for packet in stream.encode(av.VideoFrame.from_ndarray(grey, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture(scope="module")
def runner_and_clip(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    runner = SyntheticRunner(fps=30, duration_s=10.0, width=640, height=360, leg_px=150.0)
    track, _ = synthetic_side_track(runner)
    folder = tmp_path_factory.mktemp("replay")
    clip = _clip(folder / "clip.mp4", runner.width, runner.height, track.n_frames, 30)
    columns = [NAMES.index(n) for n in COCO_FEET]
    keypoints = folder / "keypoints.npz"
    np.savez(keypoints, names=np.array(COCO_FEET), xy=track.image_xy[:, columns],
             scores=np.where(np.isfinite(track.image_xy[:, columns, 0]), 0.9, 0.0),
             size=np.array([runner.width, runner.height]))
    return track, clip, keypoints


def test_a_replayed_backend_gives_the_runners_own_analysis(runner_and_clip) -> None:  # noqa: ANN001
    track, clip, keypoints = runner_and_clip
    replayed = analyze_video(clip, AnalyzeOptions(backend=ReplayBackend(keypoints)))
    direct = analyze_track(track)
    assert replayed.view == direct.view
    assert replayed.cadence_spm == pytest.approx(direct.cadence_spm, abs=0.5)
    ours = [(e.foot, e.type, e.frame) for e in replayed.events]
    theirs = [(e.foot, e.type, e.frame) for e in direct.events]
    assert ours == theirs
    for metric in ("overstride_pct_leg", "knee_flexion_ic_deg", "trunk_lean_deg"):
        assert replayed.summary[metric].both.median == pytest.approx(
            direct.summary[metric].both.median, abs=0.2)
    assert replayed.processing.model == "replay"


def test_points_a_backend_lacks_stay_missing(runner_and_clip) -> None:  # noqa: ANN001
    from formcheck.pose.stage import estimate_pose

    _, clip, keypoints = runner_and_clip
    track = estimate_pose(clip, ReplayBackend(keypoints))
    missing = [NAMES.index(n) for n in ("left_thumb", "mouth_left", "left_eye_inner")]
    assert np.isnan(track.image_xy[:, missing]).all()
    assert np.isnan(track.world_xyz).all()  # no world coordinates from this backend
    assert track.ground_shift is not None and track.ground_shift.shape == (track.n_frames, 2)


def test_a_broken_keypoint_file_is_a_clear_error(tmp_path: Path) -> None:
    from formcheck.config import PoseConfig
    from formcheck.errors import InputError

    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not an npz")
    with pytest.raises(InputError, match="not a keypoint file"):
        ReplayBackend(bad).open(PoseConfig())


def test_two_threads_give_the_one_thread_track_and_keep_every_frame_once(
        runner_and_clip) -> None:  # noqa: ANN001
    """The 10-s clip cut in two 5-s segments: on two threads the track is bit-identical to
    one thread's, progress counts each kept frame once, and the overlay's preview store
    holds every frame once, in order, at the clip's size."""
    from formcheck.io.preview_frames import PreviewFrames
    from formcheck.pose.segmented import estimate_pose_segmented

    _, clip, keypoints = runner_and_clip
    backend = ReplayBackend(keypoints)
    one = estimate_pose_segmented(clip, backend, workers=1, segment_s=5.0)
    seen: list[tuple[int, int]] = []
    with_preview = PreviewFrames()
    two = estimate_pose_segmented(clip, backend, workers=2, preview=with_preview,
                                  progress=lambda done, total: seen.append((done, total)),
                                  segment_s=5.0)
    assert "2 segment(s)" in two.provenance[0]
    for name in ("time_s", "image_xy", "visibility", "ground_shift", "waist_line",
                 "back_concavity"):
        assert np.array_equal(getattr(one, name), getattr(two, name), equal_nan=True), name
    assert [done for done, _ in seen] == list(range(1, two.n_frames + 1))
    assert {total for _, total in seen} == {two.n_frames}
    assert with_preview.indices() == list(range(two.n_frames))
    assert with_preview.get(0).shape == (360, 640, 3)
    with_preview.close()
