"""Video decoding: rotation metadata, container timestamps (VFR), clear errors."""

from __future__ import annotations

import os
from pathlib import Path

import av
import numpy as np
import pytest
from clips import write_clip

from formcheck.errors import InputError
from formcheck.io.video import iter_frames, probe


def _block_centre(rgb: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(rgb[..., 0] > 128)
    return float(ys.mean()), float(xs.mean())


@pytest.mark.parametrize("rotation, shape, corner", [
    (0, (32, 64), "top-left"),
    (-90, (64, 32), "top-right"),  # a phone filming portrait: turn 90° clockwise to display
    (90, (64, 32), "bottom-left"),
    (180, (32, 64), "bottom-right"),
])
def test_rotation_metadata_is_applied(tmp_path: Path, rotation: int, shape: tuple[int, int],
                                      corner: str) -> None:
    clip = write_clip(tmp_path / f"r{rotation}.mp4", rotation=rotation)
    info = probe(clip)
    assert (info.height, info.width) == shape
    frame = next(iter_frames(clip))
    assert frame.rgb.shape[:2] == shape
    y, x = _block_centre(frame.rgb)
    vertical = "top" if y < shape[0] / 2 else "bottom"
    horizontal = "left" if x < shape[1] / 2 else "right"
    assert f"{vertical}-{horizontal}" == corner


def test_variable_frame_rate_timestamps_come_from_the_container(tmp_path: Path) -> None:
    pts = [0, 30, 70, 85, 140, 160]
    clip = write_clip(tmp_path / "vfr.mp4", pts_ms=pts)
    times = [f.time_s for f in iter_frames(clip)]
    assert np.allclose(times, np.array(pts) / 1000, atol=1e-3)


def test_downscaling_keeps_aspect_and_orientation(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "big.mp4", rotation=-90, width=640, height=320)
    frame = next(iter_frames(clip, max_side=320))
    assert frame.rgb.shape[:2] == (320, 160)


@pytest.mark.parametrize("name, content, key", [
    ("missing.mp4", None, "video_missing"),
    ("notes.txt", b"hello", "video_bad_suffix"),
    ("broken.mp4", b"\x00\x01 this is not a video", "video_unreadable"),
    ("empty.mp4", b"", "video_empty"),
    ("photo.mp4", "png", "video_still_image"),
    ("photo.mov", "jpg", "video_still_image"),
])
def test_bad_input_gives_a_clear_error(tmp_path: Path, name: str, content: bytes | str | None,
                                       key: str) -> None:
    """Each case has its own error (asserted on its code; its words are in data/errors.json,
    English and Japanese), naming the file."""
    path = tmp_path / name
    if isinstance(content, str):  # a photo renamed to a video name
        import cv2

        ok, encoded = cv2.imencode(f".{content}", np.zeros((64, 48, 3), np.uint8))
        path.write_bytes(encoded.tobytes())
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as err:
        probe(path)
    assert err.value.key == key and err.value.exit_code == 2
    assert str(path) in str(err.value) and str(path) in err.value.text("ja")


@pytest.mark.parametrize("width, height", [(426, 240), (854, 480), (360, 636), (590, 1280)])
def test_frames_at_odd_widths_are_packed_and_not_sheared(tmp_path: Path, width: int,
                                                         height: int) -> None:
    """FFmpeg pads RGB rows to an aligned stride when 3·width is not a multiple of it; the
    frames handed to the model must be packed, or every row after the first is shifted."""
    path = tmp_path / f"w{width}.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        img = np.zeros((height, width, 3), np.uint8)
        img[:, width // 3:width // 3 + 8] = 255  # a vertical bar, 8 px wide
        for _ in range(3):
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    frame = next(iter_frames(path))
    assert frame.rgb.flags["C_CONTIGUOUS"]
    assert frame.rgb.shape == (height, width, 3)
    bar_x = np.array([np.flatnonzero(row[:, 0] > 128).mean() for row in frame.rgb])
    assert np.ptp(bar_x) < 2.0  # the bar stays vertical from the first row to the last


def test_an_unreadable_file_says_permission(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """(Faked: tests may run as root, who can read every file.)"""
    path = write_clip(tmp_path / "private.mp4")
    monkeypatch.setattr(os, "access", lambda p, mode: False)
    with pytest.raises(InputError) as err:
        probe(path)
    assert err.value.key == "video_no_permission"
