"""The coach's view over time: session order, the trend, and what changed beyond noise since
the previous session (the statistics of `formcheck compare`)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from functools import cache

from formcheck.batch.summary import render_index
from formcheck.batch.trend_view import since_last_html, trend_svg
from formcheck.batch.trends import athlete_trend, label_date, session_order, trends_csv
from formcheck.pipeline import analyze_track
from formcheck.schema import Analysis
from formcheck.synthetic import (
    FrontalRunner,
    SyntheticRunner,
    synthetic_frontal_track,
    synthetic_side_track,
)


@cache
def side(overstride: float, seed: int = 0, facing_right: bool = False) -> Analysis:
    track, _ = synthetic_side_track(SyntheticRunner(overstride_leg=overstride, duration_s=8,
                                                    noise_px=1.5, seed=seed,
                                                    facing_right=facing_right))
    return analyze_track(track)


@cache
def rear() -> Analysis:
    track, _ = synthetic_frontal_track(FrontalRunner(duration_s=8))
    return analyze_track(track)


def test_sessions_are_in_date_order_when_their_names_hold_dates() -> None:
    assert label_date("2026-11-03_easy") == date(2026, 11, 3)
    assert label_date("week 3") is None and label_date("2026-13-40") is None
    labels = ["2026-11-03_easy", "2026-09-28", "2026-10-12 tempo"]
    assert session_order(labels) == (["2026-09-28", "2026-10-12 tempo", "2026-11-03_easy"],
                                     True)
    assert session_order(["b", "2026-09-28", "a"]) == (["2026-09-28", "a", "b"], False)


def test_a_real_change_is_beyond_noise_and_a_repeat_is_not() -> None:
    trend = athlete_trend("ann", {"2026-10-01": [side(0.10)], "2026-10-15": [side(0.10, 1)],
                                  "2026-11-01": [side(0.25, 2)]})
    assert trend.sessions == ["2026-10-01", "2026-10-15", "2026-11-01"] and trend.by_date
    overstride = next(r for r in trend.since_last if r.metric == "overstride_pct_leg")
    assert (overstride.previous, overstride.latest) == ("2026-10-15", "2026-11-01")
    assert overstride.change is not None and overstride.change.flagged
    assert overstride.change.change > 10  # % leg length: 0.10 → 0.25 of leg
    left = trend.points["overstride_pct_leg"]["left"]
    assert [p.session for p in left] == trend.sessions
    assert left[-1].stat == side(0.25, 2).summary["overstride_pct_leg"].left
    steady = athlete_trend("ben", {"2026-10-01": [side(0.10)], "2026-10-15": [side(0.10, 1)]})
    repeat = next(r for r in steady.since_last if r.metric == "overstride_pct_leg")
    assert repeat.change is not None and not repeat.change.flagged


def test_no_comparison_across_views_or_for_a_metric_one_session_lacks() -> None:
    trend = athlete_trend("cy", {"2026-10-01": [side(0.10), rear()],
                                 "2026-10-08": [side(0.12, 3, facing_right=True)]})
    notes = {r.metric: r.note for r in trend.since_last}
    assert notes["overstride_pct_leg"] == "views_differ"  # side_left, then side_right
    assert notes["pelvic_drop_deg"] == "missing"  # no rear clip the second time
    assert all(r.change is None for r in trend.since_last)


def test_one_session_has_nothing_to_compare() -> None:
    trend = athlete_trend("dee", {"2026-10-01": [side(0.10)]})
    assert trend.since_last == []
    assert "nothing to compare" in since_last_html(trend)
    assert trend_svg(trend) is not None


def test_trends_csv_has_one_row_per_metric_with_the_test() -> None:
    trends = [athlete_trend("ann", {"2026-10-01": [side(0.10)], "2026-11-01": [side(0.25, 2)]})]
    rows = list(csv.DictReader(io.StringIO(trends_csv(trends))))
    overstride = next(r for r in rows if r["metric"] == "overstride_pct_leg")
    assert overstride["beyond_noise"] == "True" and overstride["view"] == "side_left"
    assert float(overstride["ci_low"]) > 0 and overstride["sdd"] == "3.0"
    assert {r["athlete"] for r in rows} == {"ann"}


def test_index_shows_the_trend_in_japanese() -> None:
    trend = athlete_trend("ann", {"2026-10-01": [side(0.10)], "2026-11-01": [side(0.25, 2)]})
    rows = [{"athlete": "ann", "session": s, "clip": f"/x/{s}.mp4", "state": "done",
             "view": "side_left", "cadence_spm": 170.0, "findings_flag": 0,
             "findings_watch": 0, "drift_flagged": "", "report": f"{s}/report.html",
             "error": None} for s in ("2026-11-01", "2026-10-01")]
    html = render_index(rows, [], "ja", [trend])
    assert "前回からの変化：2026-10-01 → 2026-11-01" in html
    assert "誤差を超える変化" in html and "日付順" in html and "<svg" in html
    body = re.sub(r"<svg.*?</svg>", " ", html.split("<body>")[1], flags=re.S)
    text = re.sub(r"<[^>]+>|[\w./-]+\.(mp4|html)|ann|formcheck", " ", body)
    assert not re.findall(r"[A-Za-z]{3,}", text), re.findall(r"[A-Za-z]{3,}", text)
    # the clips are listed in session order
    assert html.index("2026-10-01.mp4") < html.index("2026-11-01.mp4")
