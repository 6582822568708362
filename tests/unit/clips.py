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
