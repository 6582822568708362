"""Every registered metric has user-facing text in both languages, none empty."""

from __future__ import annotations

from formcheck.metrics import compute  # noqa: F401  (registers every metric)
from formcheck.metrics.registry import REGISTRY
from formcheck.texts import LANGS, metric_texts


def test_every_metric_has_en_and_ja_text() -> None:
    texts = metric_texts()
    for metric_id in REGISTRY:
        assert metric_id in texts, metric_id
        for lang in LANGS:
            entry = texts[metric_id][lang]
            assert all(entry[k].strip() for k in ("name", "short", "what")), (metric_id, lang)


def test_interface_strings_have_both_languages() -> None:
    from formcheck.texts import _ui

    for key, entry in _ui().items():
        assert all(entry[lang].strip() for lang in LANGS), key
