"""Receiving an upload safely: size limit while streaming, content sniffed, never the
user's file name as a path."""

from __future__ import annotations

from pathlib import Path

from formcheck.errors import InputError

CHUNK = 1 << 20


class UploadTooLarge(Exception):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__(limit_bytes)
        self.limit_bytes = limit_bytes


def sniff_container(head: bytes) -> str | None:
    """The container type from the first bytes, or None if it is not a video we read."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        return ".mov" if brand == b"qt  " else ".mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return ".webm" if b"webm" in head[:64] else ".mkv"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return ".avi"
    return None


async def save_upload(upload, target_dir: Path, limit_bytes: int) -> tuple[Path, int]:  # noqa: ANN001
    """Stream the upload to target_dir/input<ext>; raise UploadTooLarge or InputError."""
    target_dir.mkdir(parents=True, exist_ok=True)
    partial = target_dir / "upload.part"
    size = 0
    head = b""
    with partial.open("wb") as fh:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit_bytes:
                fh.close()
                partial.unlink(missing_ok=True)
                raise UploadTooLarge(limit_bytes)
            if len(head) < 64:
                head += chunk[:64]
            fh.write(chunk)
    suffix = sniff_container(head)
    if suffix is None:
        partial.unlink(missing_ok=True)
        raise InputError("This file is not a video formcheck can read.",
                         "Upload an MP4, MOV, M4V, AVI, MKV or WebM video from your phone.")
    final = target_dir / f"input{suffix}"
    partial.replace(final)
    return final, size
