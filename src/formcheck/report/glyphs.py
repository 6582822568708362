"""Text on video frames in any language (OpenCV's own font has Latin letters only).

Each distinct string is drawn once with Pillow, in a Japanese-capable font, with a dark
outline, and cached as a bitmap; every frame then only blends the cached bitmap in. The font
is IPAexGothic, shipped by the `matplotlib-fontja` package (IPA Font License).
"""

from __future__ import annotations

import importlib.util
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_PACKAGE = "matplotlib_fontja"
FONT_FILE = "fonts/ipaexg.ttf"
PX_PER_CV_SCALE = 30  # a TrueType size that matches cv2.FONT_HERSHEY_SIMPLEX at scale 1


@cache
def font_path() -> Path | None:
    """The TTF file, located without importing the package (importing it restyles every
    matplotlib figure in the process)."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / FONT_FILE
    return path if path.is_file() else None


@cache
def _font(px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path()
    if path is None:  # Latin-only fallback, still scalable
        return ImageFont.load_default(size=px)
    return ImageFont.truetype(str(path), px)


def font_px(cv_scale: float) -> int:
    """The pixel size for a label that OpenCV would draw at `cv_scale`."""
    return max(8, round(PX_PER_CV_SCALE * cv_scale))


@lru_cache(maxsize=2048)
def _bitmap(text: str, px: int, colour: tuple[int, int, int]
            ) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(colour planes, alpha 0–1, x and y of the bitmap's corner from the baseline origin)."""
    font = _font(px)
    stroke = max(1, px // 10)
    left, top, right, bottom = (int(v) for v in font.getbbox(text, anchor="ls",
                                                              stroke_width=stroke))
    picture = Image.new("RGBA", (max(1, right - left), max(1, bottom - top)), (0, 0, 0, 0))
    ImageDraw.Draw(picture).text((-left, -top), text, font=font, fill=(*colour, 255),
                                 anchor="ls", stroke_width=stroke, stroke_fill=(0, 0, 0, 255))
    array = np.asarray(picture, dtype=np.float32)
    return array[..., :3], array[..., 3:] / 255.0, left, top


def text_width(text: str, px: int) -> int:
    return int(np.ceil(_font(px).getlength(text)))


def draw_text(image: np.ndarray, text: str, org: tuple[int, int], px: int,
              colour: tuple[int, int, int]) -> None:
    """Blend `text` into `image` in place; `org` is the left end of the baseline (as for
    cv2.putText) and `colour` is in the image's channel order."""
    if not text:
        return
    planes, alpha, left, top = _bitmap(text, px, tuple(int(c) for c in colour))
    x0, y0 = int(org[0]) + left, int(org[1]) + top
    h, w = alpha.shape[:2]
    xa, ya = max(x0, 0), max(y0, 0)
    xb, yb = min(x0 + w, image.shape[1]), min(y0 + h, image.shape[0])
    if xa >= xb or ya >= yb:
        return
    a = alpha[ya - y0:yb - y0, xa - x0:xb - x0]
    region = image[ya:yb, xa:xb]
    region[:] = (region * (1.0 - a) + planes[ya - y0:yb - y0, xa - x0:xb - x0] * a
                 ).astype(np.uint8)
