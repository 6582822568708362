"""Sessions: several clips of one run combined into one report, each value from its clip."""

from __future__ import annotations

import json
from functools import cache
from html import unescape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from formcheck.cli import app
from formcheck.errors import InputError, OutputError
from formcheck.outputs import write_outputs
from formcheck.pipeline import AnalyzeOptions, analyze_track
from formcheck.schema import Analysis
from formcheck.session.combine import ClipResult, combine, deviation_metrics
from formcheck.session.report import gap_sentences, render_session, source_tag
from formcheck.session.run import SESSION_HTML, SESSION_JSON, run_session
from formcheck.session.schema import SessionAnalysis, SessionClip
from formcheck.synthetic import (
    FrontalRunner,
    SyntheticRunner,
    synthetic_frontal_track,
    synthetic_side_track,
)


@cache
def side(facing_right: bool, overstride: float = 0.10, seconds: float = 8.0) -> Analysis:
    track, _ = synthetic_side_track(SyntheticRunner(facing_right=facing_right,
                                                    overstride_leg=overstride,
                                                    duration_s=seconds, noise_px=1.0))
    return analyze_track(track)


@cache
def frontal(front: bool, drop: float = 6.0) -> Analysis:
    track, _ = synthetic_frontal_track(FrontalRunner(front=front, pelvic_drop_deg=drop,
                                                     duration_s=8))
    return analyze_track(track)


def session_of(*analyses: Analysis, lang: str = "en") -> SessionAnalysis:
    results = [ClipResult(SessionClip(id=str(i), name=f"clip{i}.mp4", path=f"clip{i}.mp4",
                                      view=a.view, n_strides=len(a.strides)), a)
               for i, a in enumerate(analyses, start=1)]
    return combine(results, lang)  # type: ignore[arg-type]


def test_each_side_comes_from_the_side_view_of_that_leg_and_frontal_from_rear() -> None:
    left_view, right_view, rear = side(False), side(True), frontal(False)
    assert (left_view.view, right_view.view, rear.view) == ("side_left", "side_right", "rear")
    session = session_of(right_view, rear, left_view)
    overstride = session.metrics["overstride_pct_leg"]
    assert overstride.left is not None and overstride.right is not None
    assert (overstride.left.clip, overstride.left.near_leg) == ("3", True)
    assert (overstride.right.clip, overstride.right.near_leg) == ("1", True)
    # the values are the source clip's own medians: nothing is measured again
    assert overstride.left.stat == left_view.summary["overstride_pct_leg"].left
    assert overstride.right.stat == right_view.summary["overstride_pct_leg"].right
    drop = session.metrics["pelvic_drop_deg"]
    assert drop.left is not None and drop.left.clip == "2" and drop.left.near_leg is None
    assert drop.left.stat == rear.summary["pelvic_drop_deg"].left


def test_a_side_view_alone_gives_the_far_leg_marked_as_such() -> None:
    session = session_of(side(False))
    right = session.metrics["knee_flexion_ic_deg"].right
    assert right is not None and right.near_leg is False
    finding = next(f for f in session.findings if (f.metric, f.side) == ("knee_flexion_ic_deg",
                                                                         "right"))
    assert source_tag(finding, session, "en") == "clip 1 · side_left · far leg"


def test_findings_carry_their_clip_and_match_the_clips_own() -> None:
    left_view, rear = side(False, overstride=0.22), frontal(False, drop=10.0)
    session = session_of(left_view, rear)
    for finding in session.findings:
        assert finding.clip in {"1", "2"}
        if finding.kind != "level":
            continue
        source = left_view if finding.clip == "1" else rear
        own = next(f for f in source.findings if f.kind == "level"
                   and (f.metric, f.side) == (finding.metric, finding.side))
        assert (finding.value, finding.severity) == (own.value, own.severity)
    flagged = {(f.metric, f.clip) for f in session.findings if f.severity != "ok"}
    assert ("overstride_pct_leg", "1") in flagged and ("pelvic_drop_deg", "2") in flagged
    overstride = next(f for f in session.findings if f.metric == "overstride_pct_leg")
    assert overstride.causes and overstride.drills  # the documents' advice, cited
    assert all("[" in c for c in overstride.causes)


def test_advice_is_written_in_the_sessions_language() -> None:
    session = session_of(side(False, overstride=0.22), lang="ja")
    overstride = next(f for f in session.findings if f.metric == "overstride_pct_leg"
                      and f.severity != "ok")
    assert overstride.explanation is not None
    assert any("\u3040" <= ch <= "\u30ff" for ch in overstride.explanation)  # kana
    assert session.lang == "ja" and "の" in "".join(session.safety)


def test_what_no_clip_measured_names_the_view_that_would() -> None:
    session = session_of(side(False), frontal(False))
    missing = {(g.metric, g.side): g for g in session.gaps if g.kind == "metric"}
    # toe-out is measured from the front only; rear clips cannot
    assert set(missing) == {("toe_out_deg", "left"), ("toe_out_deg", "right")}
    assert missing[("toe_out_deg", "left")].add_views == ["front"]
    with_front = session_of(side(False), side(True), frontal(True))
    assert not [g for g in with_front.gaps if g.kind == "metric"]
    side_only = session_of(side(False))
    gaps = {(g.metric, g.side): g.add_views for g in side_only.gaps if g.kind == "metric"}
    assert gaps[("pelvic_drop_deg", "left")] == ["rear", "front"]
    assert all(m in {d for d in deviation_metrics()} for m, _ in gaps)


def test_gap_sentences_group_sides_and_name_views() -> None:
    sentences = gap_sentences(session_of(side(False)).gaps, "en")
    toe_out = next(s for s in sentences if s.startswith("Toe-out"))
    assert "left and right" in toe_out and "from the front" in toe_out
    pelvis = next(s for s in sentences if s.startswith("Pelvic drop"))
    assert "from behind or from the front" in pelvis
    assert any("late in the same run" in s for s in sentences)  # no early/late pair
    ja = gap_sentences(session_of(side(False)).gaps, "ja")
    assert any("前から撮った" in s for s in ja)


def test_early_and_late_clips_of_one_view_are_compared() -> None:
    early, late = side(False, overstride=0.05), side(False, overstride=0.20)
    session = session_of(early, frontal(False), late)
    assert len(session.changes) == 1
    change = session.changes[0]
    assert (change.view, change.early_clip, change.late_clip) == ("side_left", "1", "3")
    assert change.metrics["overstride_pct_leg"].flagged
    assert change.metrics["overstride_pct_leg"].change > 10
    found = [f for f in session.findings if f.compared_with is not None]
    assert [(f.metric, f.clip, f.compared_with) for f in found
            if f.metric == "overstride_pct_leg"] == [("overstride_pct_leg", "3", "1")]
    assert not [g for g in session.gaps if g.kind == "change"]


def test_the_report_shows_each_value_with_its_clip(tmp_path: Path) -> None:
    session = session_of(side(False, overstride=0.22), frontal(False))
    html = render_session(session)
    assert "clip 1 · side_left" in html and "clip 2 · rear" in html
    assert "Toe-out" in html and "from the front" in html
    # one card per deviation of the documents: its causes and drills are said once
    notable = [f for f in session.findings if f.kind == "level" and f.severity != "ok"]
    assert html.count('<section class="finding') == len({f.rule or f.metric for f in notable})
    overstride = [f for f in notable if f.rule == "overstride"]
    assert len(overstride) >= 2 and html.count(overstride[0].causes[0]) == 1
    ja = render_session(session_of(side(False, overstride=0.22), frontal(False), lang="ja"))
    assert "<html lang=\"ja\">" in ja and "クリップ1・横（左側）" in ja


def _stored(analysis: Analysis, folder: Path) -> Path:
    write_outputs(analysis, folder, report=False)
    return folder


def test_run_session_from_stored_results_writes_json_and_html(tmp_path: Path) -> None:
    a = _stored(side(False), tmp_path / "a")
    b = _stored(frontal(False), tmp_path / "b")
    out = tmp_path / "session"
    session = run_session([str(a), str(b / "analysis.json")], out, AnalyzeOptions())
    loaded = SessionAnalysis.model_validate_json((out / SESSION_JSON).read_text())
    assert loaded == session
    assert [c.results for c in loaded.clips] == ["../a", "../b"]
    assert (out / SESSION_HTML).read_text().count("class=\"from\"") >= 2


def test_a_clip_that_fails_is_recorded_and_the_others_go_on(tmp_path: Path) -> None:
    a = _stored(side(False), tmp_path / "a")
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video at all" * 100)
    session = run_session([str(broken), str(a)], tmp_path / "s", AnalyzeOptions())
    failed = session.clips[0]
    assert failed.error and "broken.mp4" in failed.error and failed.view is None
    assert session.metrics["overstride_pct_leg"].left is not None
    assert not (tmp_path / "s" / "clips").exists()  # nothing written for the failed clip
    with pytest.raises(InputError) as exc:
        run_session([str(broken)], tmp_path / "s2", AnalyzeOptions())
    assert exc.value.key == "session_all_failed"


def test_a_missing_file_is_refused_before_any_clip_is_analysed(tmp_path: Path) -> None:
    a = _stored(side(False), tmp_path / "a")
    with pytest.raises(InputError) as exc:
        run_session([str(a), str(tmp_path / "typo.mp4")], tmp_path / "s", AnalyzeOptions())
    assert exc.value.key == "video_missing" and not (tmp_path / "s").exists()


def test_bad_arguments_and_foreign_folders_are_refused_before_any_work(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError) as exc:
        run_session([str(empty)], tmp_path / "s", AnalyzeOptions())
    assert exc.value.key == "session_not_a_clip" and not (tmp_path / "s").exists()
    out = tmp_path / "taken"
    (out / "clips").mkdir(parents=True)
    (out / "clips" / "mine.txt").write_text("a user's file")
    a = _stored(side(False), tmp_path / "a")
    with pytest.raises(OutputError):
        run_session([str(a)], out, AnalyzeOptions())
    assert (out / "clips" / "mine.txt").read_text() == "a user's file"


def test_cli_session(tmp_path: Path) -> None:
    a = _stored(side(False), tmp_path / "a")
    b = _stored(frontal(True), tmp_path / "b")
    result = CliRunner().invoke(app, ["session", str(a), str(b), "--out", str(tmp_path / "s"),
                                      "--lang", "ja"])
    assert result.exit_code == 0, result.output
    assert "session.html" in result.output and "測れなかったこと" in result.output
    data = json.loads((tmp_path / "s" / SESSION_JSON).read_text())
    assert data["kind"] == "session" and data["metrics"]["toe_out_deg"]["left"]["clip"] == "2"
    bad = CliRunner().invoke(app, ["session", str(tmp_path / "nothing-here"),
                                   "--out", str(tmp_path / "s3")])
    assert bad.exit_code != 0 and "nothing-here" in bad.output


def test_each_legs_gait_cycle_curve_comes_from_its_own_side_view() -> None:
    left_view, right_view, rear = side(False), side(True), frontal(False)
    session = session_of(rear, right_view, left_view)
    knee = session.gait_cycle["knee_flexion"]
    assert (knee.left_clip, knee.right_clip) == ("3", "2")
    assert knee.curves.left == left_view.gait_cycle["knee_flexion"].left
    assert knee.curves.right == right_view.gait_cycle["knee_flexion"].right
    pelvis = session.gait_cycle["pelvic_obliquity"]
    assert (pelvis.left_clip, pelvis.right_clip) == ("1", "1")
    only_left = session_of(left_view)
    assert only_left.gait_cycle["knee_flexion"].right_clip is None  # far leg: no curve
    html = unescape(render_session(only_left))
    assert "no clip of this session gives this curve; add a clip filmed from the runner's " \
           "right side" in html
    assert "left (n=" in html and "· clip 1" in html  # the legend names the clip


def test_an_analysis_from_before_metric_info_still_combines() -> None:
    old = side(False).model_copy(update={"metrics": {}})
    session = session_of(old, frontal(False))
    assert session.metric_info["overstride_pct_leg"].unit == "% leg length"
    assert "Overstride" in render_session(session)
