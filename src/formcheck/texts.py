"""User-facing text (en/ja) from the data files in `formcheck/data/`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
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


Params = dict[str, float | int | str]

# Quality notes, refusal hints and messages: `data/notes.json` holds one template per key in
# each language; the code passes a key and its parameters, never a sentence.


@cache
def _notes() -> dict[str, dict]:
    return json.loads(resources.files("formcheck").joinpath("data/notes.json").read_text("utf-8"))


def term(value: str, lang: Lang = "en") -> str:
    """A word the notes insert (a side, a view); unknown values (file names) pass through."""
    entry = _notes()["terms"].get(value)
    return entry[lang] if entry else value


def _fill(template: str, params: Params, lang: Lang) -> str:
    return template.format(**{k: term(v, lang) if isinstance(v, str) else v
                              for k, v in params.items()})


def note_text(key: str, params: Params | None = None, lang: Lang = "en") -> str:
    """A quality note's sentence from its template key and parameters."""
    return _fill(_notes()["notes"][key][lang], params or {}, lang)


def message_text(key: str, lang: Lang = "en", **params: float | int | str) -> str:
    """A whole message (refusal headline, upload refusal) in the chosen language."""
    return _fill(_notes()["messages"][key][lang], params, lang)


def notes_joiner(lang: Lang = "en") -> str:
    """What separates sentences run together: "; " in English, "。" in Japanese."""
    return _notes()["hint_join"][lang]


HINT_ORDER: tuple[tuple[str, ...], ...] = (
    ("no_runner",), ("runner_lying",), ("hips_small",), ("runner_small",), ("feet_out",),
    ("few_strides", "too_short"), ("walking",), ("wrong_view",),
    ("irregular_steps", "missed_strikes"), ("camera_motion_unrecovered",), ("low_fps",))


def hint_text(codes: set[str], lang: Lang = "en") -> str:
    """What to film differently, for the codes of the refusals (empty when none applies)."""
    hints = _notes()["hints"]
    tips = [hints[group[0]][lang] for group in HINT_ORDER if codes & set(group)]
    if not tips:
        return ""
    joined = _notes()["hint_join"][lang].join(tips)
    return joined.capitalize() + "." if lang == "en" else joined + "。"


def unit_text(unit: str, lang: Lang = "en") -> str:
    """A metric's unit as shown to a reader ("deg" → "°" in Japanese)."""
    entry = _ui().get(f"unit:{unit}")
    return entry[lang] if entry else unit


def severity_text(severity: str, lang: Lang = "en") -> str:
    return _ui()[f"sev:{severity}"][lang]


def view_text(view: str, lang: Lang = "en") -> str:
    entry = _ui().get(f"view:{view}")
    return entry[lang] if entry else view


def side_text(side: str, lang: Lang = "en") -> str:
    """"left" / "right" / "both" in the chosen language."""
    return _ui()[side][lang]


def value_text(value: float, unit: str, lang: Lang = "en", fmt: str = "g") -> str:
    """A number with its unit: "12.3 deg" in English, "12.3°" in Japanese."""
    sep = " " if lang == "en" else ""
    return f"{value:{fmt}}{sep}{unit_text(unit, lang)}"


# Errors: `data/errors.json` holds a message and a hint template per key in each language. A
# parameter is a plain value (a path, FFmpeg's own words: the same in every language) or
# {"en": ..., "ja": ...} when it is itself a phrase to translate.
ErrorParams = dict[str, float | int | str | dict[str, str]]


@cache
def _errors() -> dict[str, dict]:
    return json.loads(resources.files("formcheck").joinpath("data/errors.json").read_text("utf-8"))


def error_text(key: str, part: Literal["message", "hint"], lang: Lang = "en",
               params: Mapping[str, float | int | str | dict[str, str]] | None = None) -> str:
    """An error's message or hint from its key and parameters."""
    template = _errors()["errors"][key][part][lang]
    return template.format(**{k: v[lang] if isinstance(v, dict) else v
                              for k, v in (params or {}).items()})


def error_term(key: str, **params: float | int | str) -> dict[str, str]:
    """A phrase an error inserts (a type name), in every language, for an error parameter."""
    return {lang: text.format(**params) for lang, text in _errors()["terms"][key].items()}


def cli_text(key: str, lang: Lang = "en") -> str:
    """A word the command line prints around errors and progress."""
    return _errors()["cli"][key][lang]


def error_list(items: Iterable[object]) -> dict[str, str]:
    """Items run together for an error parameter: "a, b" in English, "a、b" in Japanese."""
    texts = [str(item) for item in items]
    return {"en": ", ".join(texts), "ja": "、".join(texts)}
