"""Streaming video decoding with container timestamps and rotation metadata (PyAV/FFmpeg).

Frames are yielded one at a time, upright (display rotation applied) and optionally scaled
down; a whole video is never held in memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np

from formcheck.errors import InputError
from formcheck.texts import error_list
from formcheck.track import VideoInfo

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")


@dataclass(frozen=True)
class Frame:
    index: int  # 0-based, in decode order
    time_s: float  # from the container's presentation timestamp
    rgb: np.ndarray  # (H, W, 3) uint8, upright, possibly scaled down
    preview: np.ndarray | None = None  # the same frame at the preview size, when asked for


def check_video_path(path: Path) -> None:
    if not path.exists():
        raise InputError.coded("video_missing", path=str(path))
    if path.is_dir():
        raise InputError.coded("video_is_folder", path=str(path))
    if path.suffix.lower() not in VIDEO_SUFFIXES:
        raise InputError.coded("video_bad_suffix", path=str(path), suffix=path.suffix,
                               suffixes=error_list(VIDEO_SUFFIXES))
    if not os.access(path, os.R_OK):
        raise InputError.coded("video_no_permission", path=str(path))
    if path.stat().st_size == 0:
        raise InputError.coded("video_empty", path=str(path))


def _open(path: Path) -> av.container.InputContainer:
    check_video_path(path)
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError) as exc:
        raise InputError.coded("video_unreadable", path=str(path), detail=str(exc)) from exc
    if not container.streams.video:
        container.close()
        raise InputError.coded("video_no_stream", path=str(path))
    if container.format.name.endswith("_pipe") or container.format.name == "image2":
        container.close()
        raise InputError.coded("video_still_image", path=str(path))
    return container


def rotation_to_upright(rotation_deg: float) -> int:
    """Quarter turns counter-clockwise (np.rot90's k) that make a frame upright.

    FFmpeg's display-matrix rotation is counter-clockwise degrees; phones that film portrait
    store -90 (i.e. "rotate 90° clockwise to display").
    """
    return int(round(rotation_deg / 90.0)) % 4


def probe(path: Path) -> VideoInfo:
    """Read the metadata and the first frame's rotation; raise InputError if undecodable."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        first = next(container.decode(stream), None)
        if first is None:
            raise InputError.coded("video_no_frames", path=str(path))
        rotation = int(getattr(first, "rotation", 0) or 0)
        width, height = stream.codec_context.width, stream.codec_context.height
        if rotation_to_upright(rotation) % 2 == 1:
            width, height = height, width
        fps = float(stream.average_rate or stream.guessed_rate or 0.0)
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration:
            duration = container.duration / 1e6
        else:
            duration = 0.0
        n_frames = int(stream.frames) or int(round(duration * fps))
    except av.error.FFmpegError as exc:
        raise InputError.coded("video_decode_failed", path=str(path), detail=str(exc)) from exc
    finally:
        container.close()
    return VideoInfo(path=str(path), width=width, height=height, fps=fps, n_frames=n_frames,
                     duration_s=duration, rotation_deg=rotation)


def _scaled_size(width: int, height: int, max_side: int | None) -> tuple[int, int]:
    if not max_side or max(width, height) <= max_side:
        return width, height
    scale = max_side / max(width, height)
    return int(round(width * scale / 2) * 2), int(round(height * scale / 2) * 2)


def presentation_times(path: Path) -> np.ndarray:
    """Every frame's presentation time in seconds (container clock), sorted; demux only.

    Used to give frames decoded after a seek their clip-wide index and time origin.
    """
    container = _open(path)
    try:
        stream = container.streams.video[0]
        base = _time_base(stream, path)
        pts = [p.pts for p in container.demux(stream) if p.pts is not None and p.size]
    finally:
        container.close()
    return np.sort(np.asarray(pts, dtype=float) * base)


def _time_base(stream: av.video.stream.VideoStream, path: Path) -> float:
    """Seconds per timestamp tick; a stream without one has no usable frame times."""
    if stream.time_base is None:
        raise InputError.coded("video_no_time_base", path=str(path))
    return float(stream.time_base)


def _upright_rgb(frame: av.VideoFrame, max_side: int | None, k: int) -> np.ndarray:
    w, h = (frame.height, frame.width) if k % 2 else (frame.width, frame.height)
    sw, sh = _scaled_size(w, h, max_side)
    rw, rh = (sh, sw) if k % 2 else (sw, sh)
    if (rw, rh) != (frame.width, frame.height):
        frame = frame.reformat(width=rw, height=rh)
    rgb = frame.to_ndarray(format="rgb24")
    # FFmpeg pads each row to an aligned line size, so the array can be strided (e.g. any width
    # whose 3·width is not a multiple of 16); MediaPipe and OpenCV expect packed rows.
    return np.ascontiguousarray(np.rot90(rgb, k) if k else rgb)


def _frame_images(frame: av.VideoFrame, max_side: int | None,
                  preview_side: int | None) -> tuple[np.ndarray, np.ndarray | None]:
    """The decoded frame at the model's size and, when asked for, at the preview's (scaled
    from the first with OpenCV: one colour conversion per frame)."""
    k = rotation_to_upright(getattr(frame, "rotation", 0) or 0)
    rgb = _upright_rgb(frame, max_side, k)
    if preview_side is None:
        return rgb, None
    h, w = rgb.shape[:2]
    pw, ph = _scaled_size(w, h, preview_side)
    if (pw, ph) == (w, h):
        return rgb, rgb
    return rgb, cv2.resize(rgb, (pw, ph), interpolation=cv2.INTER_LINEAR)


def iter_frames(path: Path, max_side: int | None = None,
                preview_side: int | None = None) -> Iterator[Frame]:
    """Yield upright RGB frames with container timestamps (seconds from the first frame).

    A frame whose timestamp does not increase (broken muxers) is given a time just after its
    predecessor, so downstream code can rely on strictly increasing times.
    """
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        t0: float | None = None
        last_t = -np.inf
        fps = float(stream.average_rate or 30.0)
        for index, frame in enumerate(container.decode(stream)):
            rgb, preview = _frame_images(frame, max_side, preview_side)
            t = float(frame.time) if frame.time is not None else index / fps
            t0 = t if t0 is None else t0
            t -= t0
            if t <= last_t:
                t = last_t + 1e-3 / fps
            last_t = t
            yield Frame(index=index, time_s=t, rgb=rgb, preview=preview)
    except av.error.FFmpegError as exc:
        raise InputError.coded("video_decode_failed_partway", path=str(path),
                               detail=str(exc)) from exc
    finally:
        container.close()


def iter_frame_range(path: Path, times: np.ndarray, start: int, stop: int,
                     max_side: int | None = None, preview_side: int | None = None,
                     preview_from: int = 0) -> Iterator[Frame]:
    """Frames `start` … `stop - 1` (clip-wide indices) after a seek; `times` from
    `presentation_times`. Times are relative to the clip's first frame, as in iter_frames.
    Frames from `preview_from` on also carry the preview image (`preview_side`)."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        base = _time_base(stream, path)
        container.seek(int(times[start] / base), stream=stream, backward=True)
        for frame in container.decode(stream):
            if frame.time is None:
                continue
            index = int(np.searchsorted(times, float(frame.time) - 1e-6))
            if index < start:
                continue
            if index >= stop:
                break
            rgb, preview = _frame_images(frame, max_side,
                                         preview_side if index >= preview_from else None)
            yield Frame(index=index, time_s=float(times[index] - times[0]), rgb=rgb,
                        preview=preview)
    except av.error.FFmpegError as exc:
        raise InputError.coded("video_decode_failed_partway", path=str(path),
                               detail=str(exc)) from exc
    finally:
        container.close()
