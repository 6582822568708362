"""The command line: clear errors and exit codes, no tracebacks, no overwritten files."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from formcheck.cli import app

runner = CliRunner()


def test_missing_video_exit_code_and_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(tmp_path / "nope.mp4"),
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no such file" in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # a failed analysis leaves no empty folder behind


def test_an_unwritable_output_folder_is_refused_before_any_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit 5 naming the folder, before the video is even opened. (Permission faked: tests
    may run as root, who can write anywhere.)"""
    import os

    out = tmp_path / "locked"
    out.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == out and mode & os.W_OK
                        else real_access(p, mode))
    result = runner.invoke(app, ["analyze", str(tmp_path / "never-opened.mp4"),
                                 "--out", str(out)])
    assert result.exit_code == 5, result.output
    assert str(out) in " ".join(result.output.split())


def test_refuses_to_overwrite_a_foreign_analysis_json(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "analysis.json"
    mine.write_text('{"my": "own notes"}')
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"irrelevant")
    result = runner.invoke(app, ["analyze", str(video), "--out", str(out)])
    assert result.exit_code == 5
    assert "never overwrites" in " ".join(result.output.split())
    assert mine.read_text() == '{"my": "own notes"}'


def test_models_and_samples_listings() -> None:
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0 and "full" in result.output
    result = runner.invoke(app, ["samples"])
    assert result.exit_code == 0 and "sample:gaitlab-side" in result.output


def test_one_map_from_errors_to_exit_codes_and_http_statuses() -> None:
    from formcheck.errors import (
        CaptureQualityError,
        FormcheckError,
        InputError,
        ModelIntegrityError,
        ModelNotFoundError,
        NoRunnerError,
        OutputError,
        exit_code,
        http_status,
    )

    expected = {FormcheckError: (1, 400), InputError: (2, 415), CaptureQualityError: (3, 422),
                NoRunnerError: (3, 422), ModelNotFoundError: (4, 503),
                ModelIntegrityError: (4, 503), OutputError: (5, 500)}
    for cls, (code, status) in expected.items():
        assert (exit_code(cls), http_status(cls)) == (code, status), cls
        assert cls("x").exit_code == code


def test_help_reads_like_a_normal_cli() -> None:
    """Flags show as --overlay / --no-overlay (no <bool> value), and text in brackets such as
    "[pose] model" is printed as written rather than eaten as markup."""
    result = runner.invoke(app, ["analyze", "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    text = " ".join(result.output.split())  # help text wraps at the terminal's width
    assert "<bool>" not in text
    assert "--overlay / --no-overlay" in text
    assert "[pose] model" in text
    assert "VIDEO" in text


def test_batch_exit_code_says_when_clips_failed(tmp_path: Path) -> None:
    """A batch with a broken clip exits 6, also when rerun (the failure is still there)."""
    clips = tmp_path / "clips"
    clips.mkdir()
    (clips / "broken.mp4").write_bytes(b"\x00\x01 not a video")
    out = tmp_path / "out"
    first = runner.invoke(app, ["batch", str(clips), "--out", str(out), "--workers", "1"])
    assert first.exit_code == 6, first.output
    again = runner.invoke(app, ["batch", str(clips), "--out", str(out), "--workers", "1"])
    assert again.exit_code == 6, again.output
    assert "1 failed in this batch folder so far" in " ".join(again.output.split())


def test_missing_video_in_japanese_same_exit_code(tmp_path: Path) -> None:
    result = runner.invoke(app, ["analyze", str(tmp_path / "missing.mp4"),
                                 "--out", str(tmp_path / "out"), "--lang", "ja"])
    assert result.exit_code == 2
    output = "".join(result.output.split())
    assert "ファイルが見つかりません" in output and "パスとファイル名を確認してください" in output
    assert "no such file" not in result.output


def test_interrupt_and_internal_error_in_japanese(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import formcheck.cli as cli

    video = str(tmp_path / "clip.mp4")
    for error, code, words in ((KeyboardInterrupt(), 130, "中断しました"),
                               (RuntimeError("boom"), 70, "内部エラー")):
        def fail(*args: object, error: BaseException = error, **kwargs: object) -> None:
            raise error

        monkeypatch.setattr(cli, "_analyze", fail)
        monkeypatch.delenv("FORMCHECK_DEBUG", raising=False)
        result = runner.invoke(app, ["analyze", video, "--lang", "ja"])
        assert result.exit_code == code
        assert words in result.output
        english = runner.invoke(app, ["analyze", video])
        assert english.exit_code == code
    assert "RuntimeError: boom" in english.output and "This is a bug in formcheck" in english.output
