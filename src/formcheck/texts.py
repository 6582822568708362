"""User-facing text (en/ja) from the data files in `formcheck/data/`."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Literal

Lang = Literal["en", "ja"]
LANGS: tuple[Lang, ...] = ("en", "ja")


@cache
def metric_texts() -> dict[str, dict[str, dict[str, str]]]:
    text = resources.files("formcheck").joinpath("data/metrics.json").read_text("utf-8")
    return json.loads(text)


def metric_label(metric_id: str, lang: Lang = "en", short: bool = True) -> str:
    entry = metric_texts().get(metric_id, {}).get(lang)
    if not entry:
        return metric_id
    return entry["short" if short else "name"]


@cache
def _ui() -> dict[str, dict[str, str]]:
    return json.loads(resources.files("formcheck").joinpath("data/ui.json").read_text("utf-8"))


def ui_text(key: str, lang: Lang = "en") -> str:
    """A fixed interface string (headings, labels) in the chosen language."""
    return _ui()[key][lang]


def ui_texts(lang: Lang = "en") -> dict[str, str]:
    """Every interface string in one language (for templates)."""
    return {key: entry[lang] for key, entry in _ui().items()}
