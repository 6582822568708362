"""`formcheck session` with the real model: a real side clip and a rendered rear clip."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from formcheck.cli import app


def test_session_of_a_side_and_a_rear_clip(model_dir: Path, data_dir: Path,
                                           tmp_path: Path) -> None:
    side = data_dir / "real" / "gaitlab_male_side_treadmill.mp4"
    rear = data_dir / "synthetic" / "neutral_rear.mp4"
    out = tmp_path / "session"
    result = CliRunner().invoke(app, ["session", str(side), str(rear), "--out", str(out),
                                      "--no-overlay"])
    assert result.exit_code == 0, result.output
    session = json.loads((out / "session.json").read_text())
    assert [c["view"] for c in session["clips"]] == ["side_left", "rear"]
    clips = {c["id"]: json.loads((out / c["results"] / "analysis.json").read_text())
             for c in session["clips"]}
    for metric, sources in session["metrics"].items():
        for side_name in ("left", "right"):
            source = sources[side_name]
            if source is None:
                continue
            # every value is its clip's own median, from a clip whose view measures it
            own = clips[source["clip"]]["summary"][metric][side_name]
            assert source["stat"] == own, (metric, side_name)
    overstride = session["metrics"]["overstride_pct_leg"]
    assert overstride["left"]["clip"] == "1" and overstride["left"]["near_leg"] is True
    assert overstride["right"]["near_leg"] is False  # the far leg of the only side view
    assert session["metrics"]["pelvic_drop_deg"]["left"]["clip"] == "2"
    missing = {(g["metric"], g["side"]) for g in session["gaps"] if g["kind"] == "metric"}
    assert missing == {("toe_out_deg", "left"), ("toe_out_deg", "right")}
    html = (out / "session.html").read_text()
    assert 'href="clips/01-gaitlab_male_side_treadmill/report.html"' in html
    assert (out / "clips" / "02-neutral_rear" / "report.html").is_file()
