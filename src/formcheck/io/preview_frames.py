"""The clip's frames at the preview size, kept from the one decode for the overlay video.

The pose stage decodes every frame once; the overlay is drawn after the analysis, so the
frames it needs are stored on the way, JPEG-compressed (~40–100 kB each at ≤ 960 px) in a
temporary file that stays in memory while small. Frames arrive from several decoder threads
in any order and are read back in frame order.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator

import cv2
import numpy as np

PREVIEW_SIDE = 960  # px: the overlay video's long side; sharp on a phone, small to send
JPEG_QUALITY = 90  # a preview: no visible loss at phone size, ~5× smaller than PNG
IN_MEMORY_BYTES = 256 * 1024 * 1024  # beyond this the store spills to a temporary file
# decoding straight to RGB saves a conversion (OpenCV ≥ 4.11); both OpenCV wheels may be
# installed side by side (MediaPipe's and ours), so do not count on the newer one
_DECODE_FLAG = getattr(cv2, "IMREAD_COLOR_RGB", cv2.IMREAD_COLOR)


class PreviewFrames:
    """Thread-safe store of RGB frames by clip-wide index."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115
        self._where: dict[int, tuple[int, int]] = {}  # index → (offset, length)
        self._lock = threading.Lock()

    def add(self, index: int, rgb: np.ndarray) -> None:
        ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                                   [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:  # pragma: no cover - OpenCV encodes any uint8 RGB image
            return
        data = encoded.tobytes()
        with self._lock:
            self._file.seek(0, 2)
            self._where[index] = (self._file.tell(), len(data))
            self._file.write(data)

    def __len__(self) -> int:
        return len(self._where)

    def indices(self) -> list[int]:
        return sorted(self._where)

    def get(self, index: int) -> np.ndarray:
        offset, length = self._where[index]
        with self._lock:
            self._file.seek(offset)
            data = self._file.read(length)
        image = cv2.imdecode(np.frombuffer(data, np.uint8), _DECODE_FLAG)
        if image is None:  # pragma: no cover - the bytes are our own JPEG
            raise ValueError(f"preview frame {index} is unreadable")
        if _DECODE_FLAG == cv2.IMREAD_COLOR:  # an OpenCV older than 4.11 (MediaPipe's pin)
            image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        return np.asarray(image, dtype=np.uint8)

    def __iter__(self) -> Iterator[tuple[int, np.ndarray]]:
        for index in self.indices():
            yield index, self.get(index)

    def close(self) -> None:
        self._file.close()
