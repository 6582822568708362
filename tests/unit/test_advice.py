"""The advice data: every rule cites an existing source document, every finding type has
en and ja text, no empty strings; findings get causes and drills with citations."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from formcheck.advice import advice_data, advise, drift_findings, safety_notes
from formcheck.metrics import compute  # noqa: F401  (registers every metric)
from formcheck.metrics.registry import REGISTRY
from formcheck.schema import Drift, Finding
from formcheck.texts import LANGS

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _texts(node: object) -> list[str]:
    """Every en/ja string in the data file."""
    if isinstance(node, dict):
        found = [node[k] for k in LANGS if isinstance(node.get(k), str)]
        return found + [t for v in node.values() for t in _texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _texts(v)]
    return []


def _bilingual_nodes(node: object) -> list[dict]:
    if isinstance(node, dict):
        own = [node] if any(k in node for k in LANGS) else []
        return own + [n for v in node.values() for n in _bilingual_nodes(v)]
    if isinstance(node, list):
        return [n for v in node for n in _bilingual_nodes(v)]
    return []


def test_every_text_has_both_languages_and_no_empty_strings() -> None:
    data = advice_data()
    for node in _bilingual_nodes(data):
        assert all(isinstance(node.get(k), str) and node[k].strip() for k in LANGS), node
    assert all(t.strip() for t in _texts(data))


def test_every_source_is_a_seed_document() -> None:
    data = advice_data()
    files = {d["file"] for d in data["documents"].values()}
    assert all(re.fullmatch(r"00\d_[0-9a-f]{16}\.txt", f) for f in files)
    if SEEDS.is_dir():
        assert files <= {p.name for p in SEEDS.iterdir()}
    elif os.environ.get("CI"):
        pytest.fail(f"{SEEDS} is required in CI")
    cited = [c["source"] for r in data["rules"] + [data["drift_rule"]] for c in r["causes"]]
    cited += [d["source"] for d in data["drills"].values()]
    cited += [n["source"] for n in data["safety"]]
    assert cited and set(cited) <= set(data["documents"])
    for rule in data["rules"] + [data["drift_rule"]]:
        assert rule["causes"] and rule["drills"]
        assert set(rule["drills"]) <= set(data["drills"])


def test_every_finding_type_has_text() -> None:
    data = advice_data()
    for metric in REGISTRY.values():
        g = metric.guidance
        if g is None:
            continue
        directions = (["high"] if g.ok_max is not None else []) + \
            (["low"] if g.ok_min is not None else [])
        for direction in directions:
            rule = any(metric.id in r["metrics"] and r["direction"] == direction
                       for r in data["rules"])
            assert rule or f"{metric.id}:{direction}" in data["uncovered"], (metric.id,
                                                                              direction)


@pytest.mark.parametrize("lang", LANGS)
def test_a_flagged_finding_gets_cited_causes_and_drills(lang: str) -> None:
    finding = Finding(metric="toe_out_deg", side="left", value=18.0, unit="deg",
                      severity="flag", guidance="≤ 10")
    (advised,) = advise([finding], lang)
    assert advised.causes and advised.drills and advised.explanation
    assert all(re.search(r"\[00\d_[0-9a-f]{16}\.txt\]$", t) for t in advised.causes)
    assert all(re.search(r"\[00\d_[0-9a-f]{16}\.txt\]$", t) for t in advised.drills)
    assert "000_e696a56c71c74c69.txt" in advised.sources
    ok = Finding(metric="toe_out_deg", side="left", value=5.0, unit="deg", severity="ok",
                 guidance="≤ 10")
    assert advise([ok], lang)[0].causes == []


def test_drift_in_the_harmful_direction_becomes_a_finding() -> None:
    worse = Drift(early=8.0, late=16.0, change=8.0, ci95=(5.0, 11.0), slope_per_min=8.0,
                  flagged=True)
    better = Drift(early=16.0, late=8.0, change=-8.0, ci95=(-11.0, -5.0), slope_per_min=-8.0,
                   flagged=True)
    (finding,) = drift_findings({"toe_out_deg": worse})
    assert finding.kind == "drift" and finding.rule == "late_run_breakdown"
    assert drift_findings({"toe_out_deg": better}) == []


def test_safety_notes_cite_their_documents() -> None:
    for lang in LANGS:
        notes = safety_notes(lang)
        assert len(notes) == 3 and all(n.endswith(".txt]") for n in notes)


def test_a_median_within_its_precision_of_a_boundary_is_borderline() -> None:
    from formcheck.findings import median_precision, near_boundary
    from formcheck.metrics.registry import Guidance

    g = Guidance(None, 250.0, 300.0, "test")
    # IQR 40 over 9 strides: ± 1.96 · 1.253 · (40 / 1.349) / 3 ≈ 24.3
    p = median_precision(40.0, 9)
    assert p is not None and abs(p - 24.27) < 0.05
    assert near_boundary(240.0, p, g)  # 10 below the ok limit: cannot be told apart
    assert not near_boundary(200.0, p, g)
    assert not near_boundary(300.0, 0.0, g)  # no spread measured: no claim either way


def test_the_advice_file_matches_its_models() -> None:
    """Loaded into validated models: a typo in a key or a missing language fails here."""
    from formcheck.advice import advice_book

    book = advice_book()
    assert book.rules and book.drills and book.documents
    assert all(r.direction in ("high", "low") for r in book.rules)


def test_times_in_whole_frames_are_never_more_precise_than_half_a_frame() -> None:
    """Every stride 9 frames on the ground at 30 fps: the spread is zero, but the median
    contact time is only known to ± half a frame (16.7 ms), not ± 0."""
    from formcheck.findings import assess
    from formcheck.schema import MetricSummary, Stat

    stat = Stat(median=300.0, iqr=0.0, n=15)
    summary = {"contact_time_ms": MetricSummary(left=stat, right=stat, both=stat)}
    (left, _) = assess(summary, frame_ms=1000.0 / 30)
    assert left.precision == 16.67
    assert left.borderline  # 300 ms lies on the watch/flag boundary
    (no_floor, _) = assess(summary)
    assert no_floor.precision == 0.0
