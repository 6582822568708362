"""C3D export: the cleaned 2D keypoints as a C3D motion-capture file (Visual3D, Mokka,
OpenSim's C3D reader, ezc3d), written with the maintained `c3d` package.

Same markers, axes and scale as the TRC file (`io/opensim.marker_positions`): x right, y up,
z = 0; millimetres when the runner's height gives the scale, else pixels with POINT:UNITS
`px` (for viewing; length-based tools need the height). A missing point is written as
invalid (residual −1), the C3D convention for a gap. C3D has one frame rate and no time
column: the clip's median rate is used, so a phone clip's uneven frame times are lost here
(the TRC and .mot keep them).
"""

from __future__ import annotations

import io

import numpy as np

from formcheck.io.opensim import MARKERS, marker_positions
from formcheck.track import PoseTrack


def c3d_bytes(track: PoseTrack, *, metres_per_px: float | None) -> bytes:
    """The C3D file's bytes (one point per body marker, every frame of the track)."""
    import warnings

    import c3d

    positions = marker_positions(track, metres_per_px)  # metres or pixels
    if metres_per_px is not None:
        positions = positions * 1000.0
    missing = np.isnan(positions).any(axis=-1)
    points = np.zeros((*positions.shape[:2], 5), dtype=np.float32)
    points[..., :3] = np.nan_to_num(positions)
    points[..., 3] = np.where(missing, -1.0, 0.0)  # residual: -1 invalid, 0 = filtered data
    intervals = np.diff(track.time_s)
    rate = float(1.0 / np.median(intervals)) if len(intervals) else 30.0
    writer = c3d.Writer(point_rate=rate, analog_rate=0.0, point_scale=-1.0,
                        point_units="mm  " if metres_per_px is not None else "px  ")
    empty = np.zeros((0, 0), dtype=np.float32)
    writer.add_frames([(frame, empty) for frame in points])
    writer.set_point_labels(list(MARKERS))
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # "no analog data": there is none by design
        warnings.filterwarnings("ignore", message="No analog data")
        writer.write(buffer)
    return buffer.getvalue()
