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


# --- every word a person reads: notes, hints, messages and ui texts in both languages -------

import ast  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import string  # noqa: E402
from importlib import resources  # noqa: E402
from pathlib import Path  # noqa: E402

import formcheck  # noqa: E402
from formcheck.texts import HINT_ORDER  # noqa: E402

SRC = Path(formcheck.__file__).parent
# Latin words a Japanese sentence may keep: units, names of studies, tools and file formats
ALLOWED_LATIN = {"fps", "px", "ms", "cm", "Dingenen", "Souza", "Bramah", "formcheck", "compare",
                 "IQR", "MP4", "MOV", "M4V", "AVI", "MKV", "WebM", "MB", "CI", "TOML", "CSV",
                 "Ray", "sha256", "true", "false"}


def _data(name: str) -> dict:
    return json.loads(resources.files("formcheck").joinpath(f"data/{name}").read_text("utf-8"))


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


def _sections() -> dict[str, dict[str, dict[str, str]]]:
    notes = _data("notes.json")
    errors = _data("errors.json")
    return {"notes": notes["notes"], "hints": notes["hints"], "messages": notes["messages"],
            "terms": notes["terms"], "ui": _data("ui.json"),
            "error messages": {k: e["message"] for k, e in errors["errors"].items()},
            "error hints": {k: e["hint"] for k, e in errors["errors"].items()},
            "error terms": errors["terms"], "cli": errors["cli"]}


def test_every_text_has_both_languages_with_the_same_placeholders() -> None:
    for section, entries in _sections().items():
        for key, entry in entries.items():
            assert set(entry) == set(LANGS), (section, key)
            assert all(entry[lang].strip() for lang in LANGS), (section, key)
            # Japanese may leave out a parameter (the web form's English validator message)
            assert _fields(entry["ja"]) <= _fields(entry["en"]), (section, key)
            if section != "ui":
                assert _fields(entry["en"]) == _fields(entry["ja"]), (section, key)


def test_japanese_texts_have_no_english_words() -> None:
    for section, entries in _sections().items():
        for key, entry in entries.items():
            if section == "terms" and key in {"left", "right"}:
                continue
            text = re.sub(r"\{[^}]*\}|`[^`]*`|\[/?\w*\]", "", entry["ja"])  # rich markup
            words = set(re.findall(r"[A-Za-z][A-Za-z0-9]+", text)) - ALLOWED_LATIN
            assert not words, (section, key, words)


def _add_calls() -> list[tuple[str, ast.Call]]:
    """Every `report.add(code, Level.X, [key], **params)` in the package."""
    calls = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "add" and len(node.args) >= 2 \
                    and isinstance(node.args[1], ast.Attribute) \
                    and isinstance(node.args[1].value, ast.Name) \
                    and node.args[1].value.id == "Level":
                calls.append((f"{path.name}:{node.lineno}", node))
    return calls


def _constants(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def test_every_note_emitted_has_a_template_with_matching_placeholders() -> None:
    notes = _data("notes.json")["notes"]
    calls = _add_calls()
    assert len(calls) > 30  # the scan found the package's notes
    for where, call in calls:
        if len(call.args) > 2 and isinstance(call.args[2], ast.Name):
            continue  # the view's notes, passed on from view.py: checked below
        templates = _constants(call.args[2]) if len(call.args) > 2 else \
            _constants(call.args[0])
        assert templates, where
        params = {k.arg for k in call.keywords}
        for template in templates:
            assert template in notes, (where, template)
            assert _fields(notes[template]["en"]) == params, (where, template, params)


def test_view_notes_have_templates() -> None:
    notes = _data("notes.json")["notes"]
    tree = ast.parse((SRC / "view.py").read_text("utf-8"))
    found = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 \
                and isinstance(node.elts[1], ast.Dict) and _constants(node.elts[0]):
            key = _constants(node.elts[0])[0]
            params = {k.value for k in node.elts[1].keys if isinstance(k, ast.Constant)}
            assert _fields(notes[key]["en"]) == params, key
            found += 1
    assert found > 0  # the scan found the view notes (4 today)


def test_every_refusal_has_a_hint() -> None:
    hinted = {code for group in HINT_ORDER for code in group}
    refused = {_constants(call.args[0])[0] for _, call in _add_calls()
               if call.args[1].attr == "REFUSE"}
    assert refused and refused <= hinted, refused - hinted
    assert {group[0] for group in HINT_ORDER} == set(_data("notes.json")["hints"])


def test_every_ui_key_used_in_code_and_templates_exists() -> None:
    ui = _data("ui.json")
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id == "ui_text" and node.args:
                used.update(_constants(node.args[0]))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in {"HTTPException", "UploadRejected"} \
                    and len(node.args) > 1:
                used.update(k for k in _constants(node.args[1]) if k != "upload_refused")
    for path in (SRC / "data").glob("*.j2"):
        used.update(re.findall(r"\bt\.(\w+)", path.read_text("utf-8")))
    assert used and used <= set(ui), used - set(ui)


def test_units_views_and_severities_have_texts() -> None:
    from typing import get_args

    from formcheck.schema import Severity
    from formcheck.texts import severity_text, unit_text, view_text
    from formcheck.view import View

    for metric in REGISTRY.values():
        assert unit_text(metric.unit, "ja") != metric.unit or metric.unit in {"ms", "cm"}, \
            metric.unit
        assert f"unit:{metric.unit}" in _data("ui.json"), metric.unit
    for view in View:
        assert view_text(view.value, "ja") != view.value
    for severity in get_args(Severity):
        assert severity_text(severity, "ja")


def _coded_calls() -> list[tuple[str, str, set[str]]]:
    """Every error raised by key: `X.coded("key", **params)` and `hold_folder_lock(path,
    "key", **params)`, as (where, key, parameter names)."""
    found = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr == "coded":
                key_arg = node.args[0]
            elif isinstance(node.func, ast.Name) and node.func.id == "hold_folder_lock":
                key_arg = node.args[1]
            else:
                continue
            if isinstance(key_arg, ast.Name):
                continue  # hold_folder_lock passing its caller's key on: callers are checked
            keys = _constants(key_arg)
            assert keys, f"{path.name}:{node.lineno}"
            params = {k.arg for k in node.keywords}
            assert None not in params, f"{path.name}:{node.lineno}"  # no **dict: checkable
            found += [(f"{path.name}:{node.lineno}", key, params) for key in keys]
    return found


def test_every_error_raised_has_en_and_ja_message_and_hint_with_matching_placeholders() -> None:
    errors = _data("errors.json")["errors"]
    calls = _coded_calls()
    assert len(calls) >= 38  # the scan found the package's errors (38 raise sites today)
    for where, key, params in calls:
        assert key in errors, (where, key)
        for part in ("message", "hint"):
            entry = errors[key][part]
            assert set(entry) == set(LANGS), (where, key, part)
            assert all(entry[lang].strip() for lang in LANGS), (where, key, part)
            assert _fields(entry["ja"]) == _fields(entry["en"]), (where, key, part)
        used = _fields(errors[key]["message"]["en"]) | _fields(errors[key]["hint"]["en"])
        assert used == params, (where, key, params)
    unused = set(errors) - {key for _, key, _ in calls} - {"internal_error"}
    assert not unused, unused


def test_error_text_renders_each_language_and_translated_parameters() -> None:
    from formcheck.texts import error_list, error_text

    params = {"path": "a.mp4", "suffix": ".gif", "suffixes": error_list([".mp4", ".mov"])}
    assert error_text("video_bad_suffix", "hint", "en", params) == "Use one of .mp4, .mov."
    assert ".mp4、.mov" in error_text("video_bad_suffix", "hint", "ja", params)
    assert error_text("video_bad_suffix", "message", "ja", params).startswith("a.mp4：")
