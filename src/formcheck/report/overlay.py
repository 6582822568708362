"""overlay.mp4: the runner's own video with the skeleton, each foot strike and the latest
stride's measurements drawn on every frame (H.264, plays in any phone browser).

The landmarks are the cleaned track the metrics were measured on, so what the runner sees is
what was measured. Labels are in the analysis's language, drawn with a Japanese-capable font
(`glyphs.py`: each distinct string is rendered once and blended into the frames).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import av
import cv2
import numpy as np

from formcheck.errors import OutputError
from formcheck.io.prefetch import prefetched
from formcheck.io.preview_frames import PREVIEW_SIDE, PreviewFrames
from formcheck.io.results import make_ordinary
from formcheck.io.video import iter_frames
from formcheck.landmarks import LEG, SKELETON, Side
from formcheck.memory import TRIM_EVERY, release_freed_memory
from formcheck.report.glyphs import draw_text, font_px, text_width
from formcheck.report.order import metric_order
from formcheck.schema import Analysis
from formcheck.texts import Lang, metric_label, ui_text, unit_text
from formcheck.timings import timed
from formcheck.track import PoseTrack

MAX_SIDE = PREVIEW_SIDE
PANEL_METRICS = 3
STRIKE_FLASH_S = 0.12
TIME_BASE = Fraction(1, 1000)  # ms: keeps a phone's variable frame timing

# RGB. The runner's left side warm, right side cool (as in the report's plots).
COLOURS = {"left": (255, 150, 40), "right": (40, 170, 255), "trunk": (235, 235, 235)}
SEVERITY_COLOURS = {"ok": (90, 200, 90), "watch": (255, 190, 0), "flag": (240, 70, 60),
                    None: (235, 235, 235)}
UNIT_TEXT = {"deg": "deg", "% leg length": "% leg", "% trunk length": "% trunk",
             "% hip width": "% hips"}


@dataclass(frozen=True)
class PanelRow:
    label: str
    unit: str
    values: dict[str, np.ndarray]  # per side: value shown at each frame (NaN = none yet)
    severity: dict[str, str | None]


SIDE_JOINTS = {"left": {11, 13, 15, 23, 25, 27, 29, 31},
               "right": {12, 14, 16, 24, 26, 28, 30, 32}}


def _edge_side(a: int, b: int) -> str:
    """The side an edge belongs to; edges across the body (shoulders, hips, head) are trunk."""
    for side, joints in SIDE_JOINTS.items():
        if a in joints and b in joints:
            return side
    return "trunk"


EDGE_COLOURS = [COLOURS[_edge_side(a, b)] for a, b in SKELETON]


def stance_mask(analysis: Analysis, n_frames: int) -> dict[str, np.ndarray]:
    """Per foot, True on the frames between its initial contact and toe-off."""
    out = {side.value: np.zeros(n_frames, dtype=bool) for side in Side}
    contacts: dict[str, list[int]] = {side.value: [] for side in Side}
    for event in sorted(analysis.events, key=lambda e: e.frame):
        if event.type == "initial_contact":
            contacts[event.foot].append(event.frame)
        elif contacts[event.foot]:
            out[event.foot][contacts[event.foot][-1]:event.frame + 1] = True
    return out


def strike_mask(analysis: Analysis, time_s: np.ndarray) -> dict[str, np.ndarray]:
    """Per foot, True on the frames within STRIKE_FLASH_S around one of its contacts."""
    out = {}
    for side in Side:
        contacts = np.array([e.time_s for e in analysis.events
                             if e.foot == side.value and e.type == "initial_contact"])
        out[side.value] = np.zeros(len(time_s), dtype=bool) if contacts.size == 0 else \
            (np.abs(time_s[:, None] - contacts[None, :]) <= STRIKE_FLASH_S / 2).any(axis=1)
    return out


def _unit_label(unit: str, lang: Lang) -> str:
    return UNIT_TEXT.get(unit, unit) if lang == "en" else unit_text(unit, lang)


def panel_rows(analysis: Analysis, n_frames: int) -> list[PanelRow]:
    """The headline metrics (in the analysis's language); each side shows its latest
    completed stance's value."""
    lang = analysis.lang
    severity = {(f.metric, f.side): f.severity for f in analysis.findings if f.kind == "level"}
    rows = []
    for metric in metric_order(analysis)[:PANEL_METRICS]:
        values = {}
        for side in Side:
            strides = sorted((s.to_frame, s.metrics[metric]) for s in analysis.strides
                             if s.foot == side.value and s.metrics.get(metric) is not None)
            series = np.full(n_frames, np.nan)
            for start, (to_frame, value) in enumerate(strides):
                stop = strides[start + 1][0] if start + 1 < len(strides) else n_frames
                series[max(to_frame, 0):stop] = value
            values[side.value] = series
        unit = analysis.metrics[metric].unit
        rows.append(PanelRow(metric_label(metric, lang), _unit_label(unit, lang), values,
                             {side.value: severity.get((metric, side.value)) for side in Side}))
    return rows


def _text(image: np.ndarray, text: str, org: tuple[int, int], scale: float,
          colour: tuple[int, int, int]) -> None:
    draw_text(image, text, org, font_px(scale), colour)


def draw_frame(image: np.ndarray, points: np.ndarray, index: int, time_s: float,
               stance: dict[str, np.ndarray], strikes: dict[str, np.ndarray],
               rows: list[PanelRow], cadence: float | None, lang: Lang = "en") -> None:
    """Draw skeleton, stance feet, strike labels and the panel on one RGB frame in place;
    `stance` and `strikes` are per-foot frame masks (`stance_mask`, `strike_mask`)."""
    height, width = image.shape[:2]
    unit = max(1.0, max(height, width) / 640)
    ok = np.isfinite(points).all(axis=1)
    pts = np.round(np.where(ok[:, None], points, 0)).astype(np.int32)
    for (a, b), colour in zip(SKELETON, EDGE_COLOURS, strict=True):
        if ok[a] and ok[b]:
            cv2.line(image, tuple(pts[a]), tuple(pts[b]), colour, round(2 * unit), cv2.LINE_AA)
    for side in Side:
        hip, knee, ankle, heel, toe = LEG[side]
        for joint in (hip, knee, ankle):
            if ok[joint]:
                cv2.circle(image, tuple(pts[joint]), round(3 * unit), COLOURS[side.value], -1,
                           cv2.LINE_AA)
        if not (ok[heel] and ok[toe]) or index >= len(stance[side.value]):
            continue
        if stance[side.value][index]:
            ground = max(pts[heel][1], pts[toe][1]) + round(4 * unit)
            cv2.line(image, (pts[heel][0] - round(6 * unit), ground),
                     (pts[toe][0] + round(6 * unit), ground), (90, 220, 90), round(4 * unit),
                     cv2.LINE_AA)
        if strikes[side.value][index]:
            _text(image, ui_text("overlay_strike", lang).format(
                side=ui_text(f"overlay_{side.value}", lang)),
                  (pts[heel][0] + round(8 * unit), pts[heel][1] - round(10 * unit)),
                  0.55 * unit, COLOURS[side.value])
    _panel(image, index, time_s, rows, cadence, unit, lang)


@cache
def _width(text: str, scale: float) -> int:
    return text_width(text, font_px(scale))


def _panel(image: np.ndarray, index: int, time_s: float, rows: list[PanelRow],
           cadence: float | None, unit: float, lang: Lang = "en") -> None:
    line, pad, scale = round(22 * unit), round(8 * unit), 0.5 * unit
    label_w = max([_width(row.label, scale) for row in rows] + [0])
    col_l = pad + label_w + round(16 * unit)
    col_r = col_l + round(60 * unit)
    col_unit = col_r + round(60 * unit)
    header = ui_text("overlay_time", lang).format(time=f"{time_s:5.1f}") + (
        ui_text("overlay_cadence", lang).format(cadence=f"{cadence:.0f}") if cadence else "")
    unit_w = max([_width(row.unit, 0.8 * scale) for row in rows] + [0])
    box_w = min(image.shape[1], max(col_unit + max(round(60 * unit), unit_w + pad),
                                    _width(header, scale) + 2 * pad))
    box_h = min(image.shape[0], line * (len(rows) + 2) + round(8 * unit))
    box = image[:box_h, :box_w]
    box[:] = (box * 0.45).astype(np.uint8)
    _text(image, header, (pad, line), scale, COLOURS["trunk"])
    if not rows:
        return
    _text(image, ui_text("overlay_left", lang), (col_l, 2 * line), scale, COLOURS["left"])
    _text(image, ui_text("overlay_right", lang), (col_r, 2 * line), scale, COLOURS["right"])
    for i, row in enumerate(rows):
        y = (i + 3) * line
        _text(image, row.label, (pad, y), scale, COLOURS["trunk"])
        for side, x in (("left", col_l), ("right", col_r)):
            value = row.values[side][index] if index < len(row.values[side]) else np.nan
            if np.isfinite(value):
                _text(image, f"{value:.0f}", (x, y), scale, SEVERITY_COLOURS[row.severity[side]])
        _text(image, row.unit, (col_unit, y), 0.8 * scale, COLOURS["trunk"])


def _even(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    return rgb[: h - h % 2, : w - w % 2]


def _source_frames(video: Path, n: int,
                   preview: PreviewFrames | None) -> Iterator[tuple[int, np.ndarray]]:
    """(index, RGB ≤ MAX_SIDE px) for the first `n` frames: from the pose stage's preview
    store when it holds them all, else decoded from the clip."""
    if preview is not None and preview.indices()[:n] == list(range(n)):
        for index in range(n):
            yield index, preview.get(index)
        return
    for frame in iter_frames(video, MAX_SIDE):
        if frame.index >= n:
            return
        yield frame.index, frame.rgb


def write_overlay_video(video: Path, analysis: Analysis, track: PoseTrack, out_path: Path,
                        progress: Callable[[int, int], None] | None = None,
                        preview: PreviewFrames | None = None) -> Path:
    """Render the overlay of `video` to `out_path` atomically; returns `out_path`.

    Frames come from `preview` (stored by the pose stage) when given, so the clip is not
    decoded twice; they are read ahead on a thread while this one draws and x264 encodes.
    """
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.",
                                    suffix=".mp4")
    os.close(fd)
    tmp = Path(tmp_name)
    n = track.n_frames
    stance = stance_mask(analysis, n)
    strikes = strike_mask(analysis, track.time_s)
    rows = panel_rows(analysis, n)
    fps = Fraction(round(max(track.fps, 1.0) * 1000), 1000)
    try:
        with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
            stream = None
            last_pts = -1
            for index, image in prefetched(_source_frames(video, n, preview)):
                with timed("overlay"):
                    rgb = np.ascontiguousarray(_even(image))
                    scale = rgb.shape[1] / track.video.width if track.video.width else 1.0
                    draw_frame(rgb, track.image_xy[index] * scale, index,
                               float(track.time_s[index]), stance, strikes, rows,
                               analysis.cadence_spm, analysis.lang)
                    if stream is None:
                        stream = _open_stream(out, rgb.shape[1], rgb.shape[0], fps)
                    yuv = np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420), np.uint8)
                    picture = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
                    last_pts = max(round(float(track.time_s[index]) / TIME_BASE),
                                   last_pts + 1)
                    picture.pts, picture.time_base = last_pts, TIME_BASE
                    out.mux(stream.encode(picture))
                if progress and (index % 15 == 0 or index + 1 == n):
                    progress(index + 1, n)
                if index % TRIM_EVERY == 0:
                    release_freed_memory()
            if stream is not None:
                with timed("overlay"):
                    out.mux(stream.encode(None))
        if stream is None:
            raise OutputError.coded("overlay_no_frames", path=str(video))
        make_ordinary(tmp)
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out_path


def _open_stream(out: av.container.OutputContainer, width: int, height: int,
                 fps: Fraction) -> av.VideoStream:
    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    stream = out.add_stream(codec, rate=fps)
    assert isinstance(stream, av.VideoStream)  # a video codec makes a video stream
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    stream.time_base = TIME_BASE
    stream.codec_context.time_base = TIME_BASE
    if codec == "libx264":
        # a preview: x264's fastest preset (measured on a 540×960 phone clip: 2.3 ms a frame
        # against 7.7 for "veryfast", ~1.4 Mbit/s at 30 fps), baseline-compatible
        stream.options = {"crf": "26", "preset": "ultrafast"}
    return stream
