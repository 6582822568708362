"""Errors in the reader's language: real error paths render Japanese with `text("ja")` while
`str()`, `.message` and `.hint` stay exactly the English they always were."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from formcheck.errors import FormcheckError, InputError, OutputError
from formcheck.io.video import probe
from formcheck.outputs import prepare


def _still_image(path: Path) -> Path:
    import cv2

    ok, encoded = cv2.imencode(".png", np.zeros((64, 48, 3), np.uint8))
    path.write_bytes(encoded.tobytes())
    return path


def _raised(fn, *args) -> FormcheckError:  # noqa: ANN001, ANN002
    with pytest.raises(FormcheckError) as err:
        fn(*args)
    return err.value


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.mp4"
    exc = _raised(probe, path)
    assert isinstance(exc, InputError) and exc.exit_code == 2
    assert str(exc) == f"{path}: no such file.\n  → Check the path and the file name."
    assert exc.text("en") == str(exc)
    assert exc.text("ja") == (f"{path}：ファイルが見つかりません。\n"
                              "  → パスとファイル名を確認してください。")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    exc = _raised(probe, path)
    assert exc.message == f"{path} is empty (0 bytes)."
    assert exc.hint == "The copy or download did not finish; copy the video again."
    assert exc.text("ja").startswith(f"{path} は空のファイルです（0 バイト）。\n  → ")
    assert "コピー" in exc.text("ja")


def test_still_image_renamed_to_mp4(tmp_path: Path) -> None:
    path = _still_image(tmp_path / "photo.mp4")
    exc = _raised(probe, path)
    assert str(exc) == (f"{path} is a still image, not a video.\n"
                        "  → Give the video of the run (MP4 or MOV from the phone's camera).")
    assert f"{path} は静止画で、動画ではありません。" in exc.text("ja")


def test_undecodable_file_keeps_ffmpegs_own_words(tmp_path: Path) -> None:
    path = tmp_path / "broken.mp4"
    path.write_bytes(b"\x00\x01 this is not a video")
    exc = _raised(probe, path)
    detail = str(exc.params["detail"])
    assert detail and detail in exc.text("ja") and detail in str(exc)
    assert exc.__cause__ is not None  # chained to FFmpeg's error
    assert "動画として読み込めません" in exc.text("ja")


def test_output_folder_that_is_a_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("mine")
    exc = _raised(prepare, out)
    assert isinstance(exc, OutputError) and exc.exit_code == 5
    assert str(exc) == f"{out} exists and is not a folder.\n  → Choose another --out folder."
    assert exc.text("ja") == (f"{out} は既にあり、フォルダーではありません。\n"
                              "  → `--out` に別のフォルダーを指定してください。")


def test_output_folder_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    out = tmp_path / "file" / "out"  # under a file: fails even for root
    exc = _raised(prepare, out)
    assert str(exc).startswith(f"Cannot create {out} (")
    assert str(exc).endswith("  → Choose a folder you can write to with --out.")
    assert exc.text("ja").startswith(f"{out} を作成できません（")
    assert "書き込めるフォルダー" in exc.text("ja")


def test_foreign_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "analysis.json").write_text('{"my": "own notes"}')
    exc = _raised(prepare, out)
    assert str(exc) == (f"{out / 'analysis.json'} exists and was not written by formcheck.\n"
                        "  → Choose another --out folder; formcheck never overwrites your files.")
    assert "formcheck が書いたファイルではありません" in exc.text("ja")
    assert "上書きすることはありません" in exc.text("ja")


def test_config_type_and_list_names_are_translated() -> None:
    from formcheck.config import config_from_dict

    exc = _raised(config_from_dict, {"quality": {"min_fps": "a"}}, "my.toml")
    assert exc.message == 'my.toml: [quality] min_fps = "a" must be a number.'
    assert "は数値で指定してください" in exc.text("ja")
    assert "[quality]、" not in exc.text("ja")
    exc = _raised(config_from_dict, {"nope": {}}, "my.toml")
    assert "[pose], [cleaning]" in exc.hint
    assert "[pose]、[cleaning]" in exc.text("ja")


def test_an_uncoded_error_stays_english_and_coded_errors_survive_pickling() -> None:
    import pickle

    plain = FormcheckError("Something.", "Do this.")
    assert plain.text("ja") == str(plain) == "Something.\n  → Do this."
    coded = InputError.coded("video_missing", path="a.mp4")
    copy = pickle.loads(pickle.dumps(coded))  # batch workers send errors between processes
    assert (copy.key, copy.params, copy.text("ja")) == (coded.key, coded.params,
                                                         coded.text("ja"))


def test_web_worker_message_is_in_the_jobs_language() -> None:
    from formcheck.web.store import Job
    from formcheck.web.worker import user_message

    fields = {f.name: None for f in dataclasses.fields(Job)}
    job = Job(**{**fields, "input": "/srv/data/uploads/x/input.mp4",  # type: ignore[arg-type]
                 "display_name": "run.mp4", "lang": "ja"})
    message = user_message(InputError.coded("video_empty", path=job.input), job)
    assert message.startswith("run.mp4 は空のファイルです") and "/srv" not in message
