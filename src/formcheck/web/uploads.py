"""Receiving an upload safely: size limit while streaming, content sniffed and then opened
as a video, never the user's file name as a path."""

from __future__ import annotations

from pathlib import Path

from formcheck.config import QualityConfig
from formcheck.errors import CaptureQualityError, InputError, http_status
from formcheck.io.video import probe
from formcheck.quality import QualityNote, QualityReport, check_video, refusal_hint
from formcheck.texts import Lang, message_text, notes_joiner, ui_text

CHUNK = 1 << 20
# ISO-BMFF brands that are pictures or sound, not video (HEIC photos, Live Photo stills, M4A).
NOT_VIDEO_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"avif",
                    b"avis", b"M4A ", b"M4B ", b"M4P "}


class UploadTooLarge(Exception):
    def __init__(self, limit_bytes: int) -> None:
        super().__init__(limit_bytes)
        self.limit_bytes = limit_bytes


class UploadRejected(Exception):
    """The upload is not something we can analyse; `status` is the HTTP status to answer.

    The reason is a ui text key with its parameters, or the clip checks' refusal notes;
    `text(lang)` renders it, `message` is the English.
    """

    def __init__(self, status: int, key: str, notes: list[QualityNote] | None = None,
                 **params: str) -> None:
        self.status, self.key, self.notes, self.params = status, key, notes or [], params
        super().__init__(self.message)

    def text(self, lang: Lang = "en") -> str:
        if self.notes:
            reasons = notes_joiner(lang).join(n.text(lang) for n in self.notes)
            return message_text("upload_refused", lang, reasons=reasons,
                                hint=refusal_hint(self.notes, lang))
        return ui_text(self.key, lang).format(**self.params)

    @property
    def message(self) -> str:
        return self.text("en")


def sniff_container(head: bytes) -> str | None:
    """The container type from the first bytes, or None if it is not a video we read."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in NOT_VIDEO_BRANDS:
            return None
        return ".mov" if brand == b"qt  " else ".mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return ".webm" if b"webm" in head[:64] else ".mkv"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return ".avi"
    return None


async def save_upload(upload, target_dir: Path, limit_bytes: int) -> tuple[Path, int]:  # noqa: ANN001
    """Stream the upload to target_dir/input<ext>; raise UploadTooLarge or UploadRejected."""
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
    if size == 0:
        partial.unlink(missing_ok=True)
        raise UploadRejected(400, "web_err_empty")
    if suffix is None:
        partial.unlink(missing_ok=True)
        raise UploadRejected(http_status(InputError), "web_err_unreadable")
    final = target_dir / f"input{suffix}"
    partial.replace(final)
    return final, size


# why an upload that passed the first bytes' check still cannot be opened as a video
UPLOAD_REASONS = {"video_no_stream": "web_err_no_video", "video_still_image": "web_err_still_image",
                  "video_empty": "web_err_empty"}


def check_upload(path: Path, config: QualityConfig | None = None) -> None:
    """Open the upload as a video and run the pipeline's own clip checks (frame rate,
    length) before it is queued; raise UploadRejected with the reason."""
    try:
        info = probe(path)
    except InputError as exc:
        # the reason in the runner's terms (never the server's storage path)
        key = UPLOAD_REASONS.get(exc.key or "", "web_err_undecodable")
        raise UploadRejected(http_status(InputError), key) from None
    report = QualityReport()
    check_video(info, config or QualityConfig(), report)
    if report.refusals:
        raise UploadRejected(http_status(CaptureQualityError), "upload_refused",
                             report.refusals)
