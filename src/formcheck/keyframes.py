"""Key frames for the report: one per foot, the stride whose value is that foot's median."""

from __future__ import annotations

import numpy as np

from formcheck import schema
from formcheck.families import ViewFamily
from formcheck.landmarks import Side
from formcheck.metrics.compute import StrideResult
from formcheck.schema import rounded
from formcheck.track import PoseTrack


def key_frames(track: PoseTrack, strides: list[StrideResult], family: ViewFamily,
               ) -> list[schema.KeyFrame]:
    """One frame per foot, showing the family's key metric (side: at the foot strike;
    rear/front: at midstance)."""
    metric = family.key_metric
    out = []
    for foot in Side:
        own = [s for s in strides if s.foot is foot and s.metrics.get(metric) is not None]
        if not own:
            continue
        values = np.array([s.metrics[metric] for s in own])
        chosen = own[int(np.argmin(np.abs(values - np.median(values))))]
        frame = family.key_frame(chosen)
        points = [(round(float(x), 1), round(float(y), 1)) for x, y in track.image_xy[frame]]
        out.append(schema.KeyFrame(frame=frame, time_s=round(float(track.time_s[frame]), 3),
                                   foot=foot.value, label=metric,
                                   value=rounded(chosen.metrics[metric], 1), landmarks=points))
    return out
