"""Back-contour concavity from a person-segmentation mask (input to the lumbar-extension index).

MediaPipe has no pelvis or spine landmarks, so the silhouette is the only direct evidence of a
hollow lower back. For rows between shoulder and hip height we find the silhouette's edge on
each side of the torso line, draw the chord between the top and bottom edge points, and take
the deepest inward bend of the edge from that chord, as a fraction of trunk length.

Notes
-----
An arm swung behind the back fills the concavity, and loose clothing hides it; the index is
therefore taken as a median over stance frames and reported as an index, not an angle.
"""

from __future__ import annotations

import numpy as np

N_ROWS = 24
BELOW_HIP_TRUNK = 0.12  # extend the scan this far below the hip line (buttocks)


def edge_concavity(mask: np.ndarray, shoulder_xy: np.ndarray, hip_xy: np.ndarray) -> np.ndarray:
    """Concavity depth on the image-left and image-right silhouette edges.

    Parameters
    ----------
    mask : (H, W) person probability or boolean mask, in the same pixels as the points.
    shoulder_xy, hip_xy : (2,) shoulder and hip midpoints in pixels.

    Returns
    -------
    (2,) depth / trunk length for [image-left edge, image-right edge]; NaN when undefined.
    """
    trunk = float(np.hypot(*(shoulder_xy - hip_xy)))
    height, width = mask.shape[:2]
    if not np.isfinite(trunk) or trunk < 8:
        return np.full(2, np.nan)
    fractions = np.linspace(0.0, 1.0 + BELOW_HIP_TRUNK, N_ROWS)
    centre = shoulder_xy[None, :] + fractions[:, None] * (hip_xy - shoulder_xy)[None, :]
    rows = np.clip(np.round(centre[:, 1]).astype(int), 0, height - 1)
    xc = np.clip(np.round(centre[:, 0]).astype(int), 0, width - 1)
    inside = mask[rows] > 0.5  # (N_ROWS, W)
    cols = np.arange(width)[None, :]
    on_torso = inside[np.arange(N_ROWS), xc]
    left_edge = np.where(~inside & (cols < xc[:, None]), cols, -1).max(axis=1) + 1
    right_edge = np.where(~inside & (cols > xc[:, None]), cols, width).min(axis=1) - 1
    out = np.full(2, np.nan)
    for k, edge, inward in ((0, left_edge, 1.0), (1, right_edge, -1.0)):
        valid = on_torso & (edge > 0) & (edge < width - 1)
        if valid.sum() < N_ROWS * 0.7:
            continue
        ys, xs = rows[valid].astype(float), edge[valid].astype(float)
        if ys[-1] - ys[0] < 4:
            continue
        chord = xs[0] + (ys - ys[0]) * (xs[-1] - xs[0]) / (ys[-1] - ys[0])
        out[k] = max(0.0, float(np.max(inward * (xs - chord)))) / trunk
    return out
