"""Key frames: the picture at a foot strike with the skeleton and the measured angle drawn."""

from __future__ import annotations

import base64
from pathlib import Path

import cv2
import numpy as np

from formcheck.io.video import iter_frames
from formcheck.landmarks import LEG, SKELETON, Side
from formcheck.report.glyphs import draw_text, font_px
from formcheck.schema import KeyFrame
from formcheck.texts import Lang, value_text

MAX_WIDTH = 640


def read_frames(path: Path, indices: set[int]) -> dict[int, np.ndarray]:
    """Decode the clip once and keep only the requested frames (RGB, upright)."""
    wanted, found = set(indices), {}
    for frame in iter_frames(path):
        if frame.index in wanted:
            found[frame.index] = frame.rgb
            if len(found) == len(wanted):
                break
    return found


def draw_key_frame(rgb: np.ndarray, key: KeyFrame, caption: str, lang: Lang = "en") -> str:
    """JPEG (base64) of the frame with the skeleton, the measured leg highlighted, a caption."""
    image = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    points = np.asarray(key.landmarks, dtype=float)
    ok = np.isfinite(points).all(axis=1)
    body = np.ptp(points[ok], axis=0).max() if ok.any() else max(image.shape[:2])
    scale = max(1, round(body / 350))
    for a, b in SKELETON:
        if ok[a] and ok[b]:
            cv2.line(image, tuple(points[a].astype(int)), tuple(points[b].astype(int)),
                     (230, 230, 230), 2 * scale, cv2.LINE_AA)
    hip, knee, ankle = LEG[Side(key.foot)][:3]
    for a, b in ((hip, knee), (knee, ankle)):
        if ok[a] and ok[b]:
            cv2.line(image, tuple(points[a].astype(int)), tuple(points[b].astype(int)),
                     (0, 140, 255), 3 * scale, cv2.LINE_AA)
    for i in (hip, knee, ankle):
        if ok[i]:
            cv2.circle(image, tuple(points[i].astype(int)), 4 * scale, (0, 90, 255), -1,
                       cv2.LINE_AA)
    crop = _crop_to_body(image, points[ok])
    if key.value is not None:
        draw_text(crop, value_text(key.value, "deg", lang, ".0f"), (8 * scale, 24 * scale),
                  font_px(0.5 * scale), (0, 200, 255))  # BGR
    if crop.shape[1] > MAX_WIDTH:
        crop = cv2.resize(crop, (MAX_WIDTH, int(crop.shape[0] * MAX_WIDTH / crop.shape[1])),
                          interpolation=cv2.INTER_AREA)
    _, jpeg = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 85])
    _ = caption
    return base64.b64encode(jpeg.tobytes()).decode("ascii")


def _crop_to_body(image: np.ndarray, points: np.ndarray) -> np.ndarray:
    if len(points) == 0:
        return image
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    pad = 0.25 * max(x1 - x0, y1 - y0)
    h, w = image.shape[:2]
    xa, xb = int(max(0, x0 - pad)), int(min(w, x1 + pad))
    ya, yb = int(max(0, y0 - pad)), int(min(h, y1 + pad))
    return image[ya:yb, xa:xb] if xb > xa and yb > ya else image
