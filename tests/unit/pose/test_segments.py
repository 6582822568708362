"""The segment plan covers every frame once and depends on the clip only."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.pose.segmented import plan_segments


@pytest.mark.parametrize("n_frames, fps", [(100, 30.0), (3600, 60.0), (10_001, 59.94)])
def test_plan_covers_every_frame_once(n_frames: int, fps: float) -> None:
    plan = plan_segments(n_frames, fps)
    kept = np.concatenate([np.arange(keep, stop) for _, keep, stop in plan])
    assert np.array_equal(kept, np.arange(n_frames))
    for decode_from, keep_from, _ in plan:
        assert 0 <= decode_from <= keep_from
        assert keep_from - decode_from <= round(2.0 * fps)


def test_short_clips_are_one_segment_long_ones_several() -> None:
    assert len(plan_segments(20 * 60, 60.0)) == 1
    assert len(plan_segments(60 * 60, 60.0)) == 2
    assert len(plan_segments(600 * 30, 30.0)) == 20
