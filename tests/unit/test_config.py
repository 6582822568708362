"""The configuration a user can reach: TOML loader, errors, and the generated example."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from formcheck.config import Config, EventConfig, QualityConfig, example_toml, load_config
from formcheck.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "formcheck.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_partial_file_overrides_exactly_those_fields(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, "[quality]\nmin_fps = 25\n"
                                          "[events]\ncontact_height_leg = 0.04\n"))
    assert config.quality == QualityConfig(min_fps=25.0)
    assert isinstance(config.quality.min_fps, float)
    assert config.events == EventConfig(contact_height_leg=0.04)
    default = Config()
    for section in ("pose", "cleaning", "metrics"):
        assert getattr(config, section) == getattr(default, section)


def test_empty_file_is_the_default(tmp_path: Path) -> None:
    assert load_config(_write(tmp_path, "# nothing\n")) == Config()


@pytest.mark.parametrize(("text", "words"), [
    ("[qualty]\nmin_fps = 25\n", ["unknown section [qualty]", "[quality]"]),
    ("[quality]\nmin_fsp = 25\n", ["unknown key `min_fsp` in [quality]", "min_fps"]),
    ("[quality]\nmin_fps = \"fast\"\n", ["[quality] min_fps", "must be a number"]),
    ("[quality]\nmin_strides_per_side = 3.5\n", ["min_strides_per_side", "whole number"]),
    ("[pose]\nsegmentation = 1\n", ["segmentation", "true or false"]),
    ("[pose]\nmodel = \"huge\"\n", ["model", "lite, full, heavy"]),
    ("quality = 3\n", ["`quality` must be a section"]),
    ("[quality\nmin_fps = 25\n", ["not a valid TOML file"]),
])
def test_mistakes_name_the_file_and_the_key(tmp_path: Path, text: str, words: list[str]
                                            ) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message
    assert caught.value.hint


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Cannot read the configuration file"):
        load_config(tmp_path / "nope.toml")


def test_committed_example_is_generated_and_loads_to_the_defaults() -> None:
    committed = (ROOT / "formcheck.toml.example").read_text(encoding="utf-8")
    assert committed == example_toml(), \
        "regenerate it: python -m formcheck.config > formcheck.toml.example"
    assert load_config(ROOT / "formcheck.toml.example") == Config()


def test_every_field_has_a_reason() -> None:
    for section in fields(Config):
        assert section.metadata.get("why")
        for f in fields(getattr(Config(), section.name)):
            assert f.metadata.get("why"), f"{section.name}.{f.name} has no reason"


# --- the settings reach the stages from every front end ---------------------------------

STRICT = "[pose]\nmodel = \"lite\"\n[quality]\nmin_runner_px = 100000\n"


def _synthetic_run(path: Path, options, progress=None):  # noqa: ANN001, ANN202
    """The real pipeline after the pose step, on the procedural runner."""
    from formcheck.pipeline import analyze_track_run
    from formcheck.synthetic import SyntheticRunner, synthetic_side_track

    track, _ = synthetic_side_track(SyntheticRunner(duration_s=6))
    return analyze_track_run(track, options)


def test_analyze_config_reaches_the_quality_stage(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import formcheck.pipeline
    from formcheck.cli import app

    seen = []

    def fake(path, options, progress=None):  # noqa: ANN001, ANN202
        seen.append(options)
        return _synthetic_run(path, options, progress)

    monkeypatch.setattr(formcheck.pipeline, "analyze_video_run", fake)
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"not decoded: the analyser is faked")
    settings = _write(tmp_path, STRICT)
    result = CliRunner().invoke(app, ["analyze", str(video), "--out", str(tmp_path / "out"),
                                      "--config", str(settings)])
    assert result.exit_code == 3, result.output  # refused: the runner is "too small"
    assert "100000 px" in " ".join(result.output.split())
    assert seen[0].config == load_config(settings) and seen[0].model == "lite"
    result = CliRunner().invoke(app, ["analyze", str(video), "--out", str(tmp_path / "out2"),
                                      "--config", str(settings), "--model", "heavy"])
    assert seen[1].model == "heavy"  # the command line wins over the file


def test_analyze_reports_a_bad_config_before_any_work(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from formcheck.cli import app

    settings = _write(tmp_path, "[quality]\nmin_fsp = 3\n")
    result = CliRunner().invoke(app, ["analyze", str(tmp_path / "nope.mp4"),
                                      "--config", str(settings)])
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and "unknown key `min_fsp` in [quality]" in text
    assert "Traceback" not in result.output
    assert not (tmp_path / "formcheck-out").exists()


def test_config_command_prints_the_example() -> None:
    from typer.testing import CliRunner

    from formcheck.cli import app

    result = CliRunner().invoke(app, ["config"])
    assert result.exit_code == 0 and result.output == example_toml()


def test_batch_workers_use_the_config(tmp_path: Path) -> None:
    from batch_helpers import fake_analyzer, make_clips

    from formcheck.batch.runner import BatchOptions, run_batch
    from formcheck.pipeline import AnalyzeOptions

    make_clips(tmp_path / "clips", 2)
    strict = load_config(_write(tmp_path, STRICT))
    result = run_batch([str(tmp_path / "clips")], tmp_path / "out",
                       BatchOptions(workers=1, analyze=AnalyzeOptions(config=strict)),
                       analyzer=fake_analyzer)
    assert (result.done, result.failed) == (0, 2)  # refused in the worker processes


def test_web_jobs_use_the_config(tmp_path: Path) -> None:
    from batch_helpers import fake_analyzer
    from clips import clip_seconds
    from fastapi.testclient import TestClient
    from web_helpers import wait_for_job

    from formcheck.web.app import create_app

    clip = clip_seconds(tmp_path / "run.mp4", 4).read_bytes()
    strict = load_config(_write(tmp_path, STRICT))
    app = create_app(tmp_path / "data", workers=1, analyzer=fake_analyzer, config=strict)
    with TestClient(app, raise_server_exceptions=False) as client:
        job = client.post("/api/jobs", files={"file": ("run.mp4", clip)}).json()
        status = wait_for_job(client, job["id"])
        assert status["state"] == "failed" and "100000 px" in status["error"]
    slow = load_config(_write(tmp_path, "[quality]\nmin_fps = 40\n"))
    app = create_app(tmp_path / "data2", workers=1, analyzer=fake_analyzer, config=slow)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/api/jobs", files={"file": ("run.mp4", clip)})
        assert response.status_code == 422  # the upload check uses the config too


def _codes(config: Config, **runner: float) -> list[str]:
    from formcheck.pipeline import AnalyzeOptions, analyze_track
    from formcheck.synthetic import SyntheticRunner, synthetic_side_track

    track, _ = synthetic_side_track(SyntheticRunner(**runner))
    analysis = analyze_track(track, AnalyzeOptions(config=config))
    return [q.code for q in analysis.quality]


def test_moved_thresholds_reach_their_stages(tmp_path: Path) -> None:
    assert "few_strides" in _codes(Config(), duration_s=3.5)
    fewer = load_config(_write(tmp_path, "[findings]\nmin_strides = 3\n"))
    assert "few_strides" not in _codes(fewer, duration_s=3.5)
    default = _codes(Config())
    assert "drift_short" in default and "implausible_strides" not in default
    changed = load_config(_write(tmp_path, "[findings]\nmin_drift_span_s = 5\n"
                                           "[plausibility]\ncontact_ms = [100, 150]\n"))
    codes = _codes(changed)
    assert "drift_short" not in codes and "implausible_strides" in codes
