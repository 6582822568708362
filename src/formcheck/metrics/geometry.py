"""Vectorised 2D geometry in image coordinates (x → right, y → down)."""

from __future__ import annotations

import numpy as np

from formcheck.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER


def joint_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Angle a-b-c at b in degrees, for (..., 2) arrays."""
    u, v = a - b, c - b
    dot = (u * v).sum(axis=-1)
    norm = np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.degrees(np.arccos(np.clip(dot / norm, -1.0, 1.0)))


def flexion_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """180° − the angle a-b-c: 0 for a straight joint (knee flexion, FPPA magnitude)."""
    return 180.0 - joint_angle_deg(a, b, c)


def lean_from_vertical_deg(lower: np.ndarray, upper: np.ndarray, forward: int) -> np.ndarray:
    """Angle of the lower→upper segment from image vertical; + toward `forward` (±1 in x)."""
    d = upper - lower
    return np.degrees(np.arctan2(forward * d[..., 0], -d[..., 1]))


def inclination_deg(back: np.ndarray, front: np.ndarray, forward: int) -> np.ndarray:
    """Angle of back→front above the image horizontal (+ = front end higher)."""
    d = front - back
    return np.degrees(np.arctan2(-d[..., 1], forward * d[..., 0]))


def rotate_points(xy: np.ndarray, angle_deg: float, centre: tuple[float, float]) -> np.ndarray:
    """Rotate (..., 2) points by `angle_deg` (counter-clockwise on screen) about `centre`."""
    if angle_deg == 0:
        return xy
    a = np.radians(angle_deg)
    # y points down, so a screen-counter-clockwise turn is a clockwise turn in (x, y) maths.
    rot = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
    c = np.asarray(centre)
    return (xy - c) @ rot.T + c


def trunk_tilt_deg(xy: np.ndarray, toward: int) -> np.ndarray:
    """Per-frame tilt of the trunk line (hip midpoint → shoulder midpoint) from image vertical
    in (..., 33, 2) landmarks; + toward `toward` (±1 in image x)."""
    hips = 0.5 * (xy[..., LEFT_HIP, :] + xy[..., RIGHT_HIP, :])
    shoulders = 0.5 * (xy[..., LEFT_SHOULDER, :] + xy[..., RIGHT_SHOULDER, :])
    return lean_from_vertical_deg(hips, shoulders, toward)
