"""`compare`: two clips of one run, same statistics as drift."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from formcheck.cli import app
from formcheck.compare import compare_analyses
from formcheck.outputs import write_outputs
from formcheck.pipeline import analyze_track
from formcheck.synthetic import FrontalRunner, synthetic_frontal_track


def _analysis(drop: float, seed_shift: float = 0.0):  # noqa: ANN202
    track, _ = synthetic_frontal_track(FrontalRunner(pelvic_drop_deg=drop, duration_s=8,
                                                     cadence_spm=170 + seed_shift))
    return analyze_track(track)


def test_a_real_change_is_flagged_and_no_change_is_not() -> None:
    km5, km35 = _analysis(4.0), _analysis(10.0)
    result = compare_analyses(km5, km35)
    assert result["pelvic_drop_deg"].flagged
    assert result["pelvic_drop_deg"].change > 5
    same = compare_analyses(km5, _analysis(4.0, 1.0))
    assert not same["pelvic_drop_deg"].flagged


def test_cli_compare_from_analysis_files(tmp_path: Path) -> None:
    a = write_outputs(_analysis(4.0), tmp_path / "a", report=False)[0]
    b = write_outputs(_analysis(10.0), tmp_path / "b", report=False)[0]
    result = CliRunner().invoke(app, ["compare", str(a), str(b), "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "c" / "compare.json").read_text())
    assert data["metrics"]["pelvic_drop_deg"]["flagged"] is True


def test_cli_compare_names_a_file_that_is_not_an_analysis(tmp_path: Path) -> None:
    good = write_outputs(_analysis(4.0), tmp_path / "a", report=False)[0]
    broken = tmp_path / "broken.json"
    broken.write_text('{"not": "an analysis"}')
    result = CliRunner().invoke(app, ["compare", str(good), str(broken)])
    assert result.exit_code == 2, result.output
    assert "broken.json" in result.output and "internal" not in result.output.lower()
