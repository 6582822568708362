"""Tiny real video files written by the tests (PyAV, H.264), so nothing is copied from data."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def write_clip(path: Path, pts_ms: list[int] | None = None, width: int = 64, height: int = 32,
               rotation: int = 0, title: str | None = None) -> Path:
    """A clip whose frames show a white block moving right by one pixel per frame from the
    top-left corner; `pts_ms` are the frames' presentation times (default: 4 at 30 fps)."""
    pts_ms = pts_ms or [0, 33, 67, 100]
    with av.open(str(path), "w") as container:
        if title:
            container.metadata["title"] = title
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        if rotation:
            stream.set_display_rotation(rotation)
        for i, ms in enumerate(pts_ms):
            img = np.zeros((height, width, 3), np.uint8)
            x = min(i, width - 16)
            img[:8, x:x + 16] = 255
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts, frame.time_base = ms, Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def clip_seconds(path: Path, seconds: float, fps: int = 30, title: str | None = None,
                 width: int = 160, height: int = 96) -> Path:
    """A clip of `seconds` at `fps`."""
    step = 1000 / fps
    return write_clip(path, [round(i * step) for i in range(max(1, round(seconds * fps)))],
                      width, height, title=title)


def clip_title(path: Path) -> str:
    """The container's title tag ('' if none or not a video)."""
    try:
        with av.open(str(path)) as container:
            return container.metadata.get("title", "")
    except (av.error.FFmpegError, OSError):
        return ""


def reencode(src: Path, dst: Path, crf: int = 23, keep=None, transform=None,  # noqa: ANN001
             size: tuple[int, int] | None = None) -> Path:
    """Re-encode a clip the way phones and apps do (H.264 at `crf`), optionally keeping only
    frames for which `keep(index)` is true (their timestamps kept, as a phone that drops
    frames writes them), transforming each upright RGB frame, and encoding at `size`."""
    from formcheck.io.video import iter_frames

    frames = iter_frames(src)
    with av.open(str(dst), "w") as container:
        stream = None
        for frame in frames:
            if keep is not None and not keep(frame.index):
                continue
            rgb = transform(frame.rgb) if transform else frame.rgb
            if stream is None:
                h, w = size[::-1] if size else rgb.shape[:2]
                stream = container.add_stream("libx264", rate=30, options={"crf": str(crf)})
                stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
                stream.codec_context.time_base = Fraction(1, 1000)
            out = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            if size:
                out = out.reformat(width=size[0], height=size[1])
            out.pts, out.time_base = round(frame.time_s * 1000), Fraction(1, 1000)
            for packet in stream.encode(out):
                container.mux(packet)
        if stream is not None:
            for packet in stream.encode():
                container.mux(packet)
    return dst


def letterbox(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale a frame to fit `height` and pad it with black to `width` (a common export)."""
    import cv2

    scale = height / rgb.shape[0]
    inner = cv2.resize(rgb, (int(round(rgb.shape[1] * scale)) // 2 * 2, height))
    out = np.zeros((height, width, 3), np.uint8)
    x0 = (width - inner.shape[1]) // 2
    out[:, x0:x0 + inner.shape[1]] = inner
    return out


def firm_severities(analysis) -> dict[tuple[str, str], str]:  # noqa: ANN001
    """Level findings (metric, side) → severity, leaving out those at a guidance boundary
    within the clip's own precision (there ok and watch cannot be told apart)."""
    return {(f.metric, f.side): f.severity for f in analysis.findings
            if f.kind == "level" and not f.borderline}
