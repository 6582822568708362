"""The overlay's frames kept from the pose stage's decode: any thread, any order, read back in
frame order, close to the original, in memory or spilled to disk."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from formcheck.io import preview_frames
from formcheck.io.preview_frames import PreviewFrames


def _frame(index: int) -> np.ndarray:
    """A smooth gradient with a bright block whose place encodes the index."""
    image = np.zeros((90, 160, 3), np.uint8)
    image[..., 0] = np.linspace(0, 255, 160, dtype=np.uint8)[None, :]
    image[..., 2] = np.linspace(255, 0, 90, dtype=np.uint8)[:, None]
    image[30:50, 5 + 7 * index:25 + 7 * index, 1] = 255
    return image


@pytest.mark.parametrize("in_memory_bytes", [preview_frames.IN_MEMORY_BYTES, 1])
@pytest.mark.parametrize("decode_flag", ["IMREAD_COLOR_RGB", "IMREAD_COLOR"])
def test_frames_added_by_several_threads_come_back_in_order(
        monkeypatch: pytest.MonkeyPatch, in_memory_bytes: int, decode_flag: str) -> None:
    """In memory or spilled to disk, and with or without OpenCV's decode-to-RGB (older
    OpenCV): the same pictures, in frame order, colours not swapped."""
    monkeypatch.setattr(preview_frames, "IN_MEMORY_BYTES", in_memory_bytes)
    if not hasattr(cv2, decode_flag):
        pytest.skip(f"this OpenCV has no {decode_flag}")
    monkeypatch.setattr(preview_frames, "_DECODE_FLAG", getattr(cv2, decode_flag))
    store = PreviewFrames()
    halves = [list(range(10, 20)), list(range(10))]  # the later segment may finish first
    threads = [threading.Thread(target=lambda ids: [store.add(i, _frame(i)) for i in ids],
                                args=(ids,)) for ids in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store) == 20 and store.indices() == list(range(20))
    for index, image in store:
        original = _frame(index).astype(int)
        assert image.shape == original.shape
        assert np.abs(image.astype(int) - original).mean() < 3  # JPEG at quality 90
        block = image[30:50, :, 1].mean(axis=0)
        assert abs(int(np.argmax(block > 128)) - (5 + 7 * index)) <= 1  # its own picture
    store.close()
