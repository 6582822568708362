"""Findings → the source documents' causes and drills (rules live in data/advice.json).

Every cause and drill carries its source document; every report carries the safety notes
and the "not a diagnosis" disclaimer. Text is in English or Japanese.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict

from formcheck.metrics.registry import REGISTRY
from formcheck.schema import Drift, Finding
from formcheck.texts import Lang, metric_label, unit_text


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """One text in both languages."""

    en: str
    ja: str

    def in_(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.ja


class CitedText(Text):
    source: str  # a key of `AdviceBook.documents`


class Document(_Strict):
    file: str  # the seed document's file name, cited after every cause and drill
    title: Text


class Drill(_Strict):
    name: Text
    dosage: Text
    cue: Text
    caution: Text
    source: str


class Rule(_Strict):
    id: str
    metrics: list[str]
    direction: Literal["high", "low"]
    explanation: Text
    causes: list[CitedText]
    cue: CitedText | None = None
    drills: list[str]


class DriftRule(_Strict):
    id: str
    metrics: list[str]
    explanation: Text
    causes: list[CitedText]
    cue: CitedText | None = None
    drills: list[str]
    worse: dict[str, Literal["up", "away_from_zero"]]


class AdviceBook(_Strict):
    """`data/advice.json`, validated when first loaded."""

    format: str
    documents: dict[str, Document]
    disclaimer: Text
    safety: list[CitedText]
    drills: dict[str, Drill]
    rules: list[Rule]
    drift_rule: DriftRule
    templates: dict[str, Text]
    uncovered: dict[str, Text]


def _raw_text() -> str:
    return resources.files("formcheck").joinpath("data/advice.json").read_text("utf-8")


@cache
def advice_data() -> dict:
    """The advice file as plain data (for structural checks)."""
    return json.loads(_raw_text())


@cache
def advice_book() -> AdviceBook:
    """The advice file as validated models (what the code uses)."""
    return AdviceBook.model_validate_json(_raw_text())


def source_file(doc: str) -> str:
    return advice_book().documents[doc].file


def _cite(text: str, doc: str) -> str:
    return f"{text} [{source_file(doc)}]"


def drill_text(drill_id: str, lang: Lang) -> str:
    d = advice_book().drills[drill_id]
    name, dosage, cue, caution = (d.name.in_(lang), d.dosage.in_(lang), d.cue.in_(lang),
                                  d.caution.in_(lang))
    if lang == "en":
        text = f"{name} — {dosage}. {cue} {caution}"
    else:  # Japanese sentences end in 。 and run on without spaces
        text = f"{name} — {dosage}。{cue}{caution}"
    return _cite(text, d.source)


def _apply(finding: Finding, rule: Rule | DriftRule, lang: Lang) -> Finding:
    causes = [_cite(c.in_(lang), c.source) for c in rule.causes]
    drills = [drill_text(d, lang) for d in rule.drills]
    docs = {c.source for c in rule.causes} | {advice_book().drills[d].source
                                               for d in rule.drills}
    if rule.cue:
        docs.add(rule.cue.source)
    return finding.model_copy(update={
        "explanation": rule.explanation.in_(lang), "causes": causes, "drills": drills,
        "cue": _cite(rule.cue.in_(lang), rule.cue.source) if rule.cue else None,
        "sources": sorted(source_file(d) for d in docs), "rule": rule.id})


def _direction(finding: Finding) -> str | None:
    guidance = REGISTRY[finding.metric].guidance
    if guidance is None:
        return None
    if guidance.ok_max is not None and finding.value > guidance.ok_max:
        return "high"
    if guidance.ok_min is not None and finding.value < guidance.ok_min:
        return "low"
    return None


def advise(findings: list[Finding], lang: Lang = "en") -> list[Finding]:
    """Attach causes, drills and sources to every finding outside its guidance range."""
    out = []
    for finding in findings:
        direction = _direction(finding) if finding.severity != "ok" else None
        rule = next((r for r in advice_book().rules if finding.metric in r.metrics
                     and r.direction == direction), None)
        if rule:
            finding = _apply(finding, rule, lang)
        elif direction:
            text = advice_book().uncovered.get(f"{finding.metric}:{direction}")
            finding = finding.model_copy(
                update={"explanation": text.in_(lang) if text else None})
        out.append(finding)
    return out


def _worse(metric: str, drift: Drift) -> bool:
    how = advice_book().drift_rule.worse.get(metric)
    if how is None or drift.change is None or drift.early is None or drift.late is None:
        return False
    if how == "up":
        return drift.change > 0
    return abs(drift.late) > abs(drift.early)  # away_from_zero


def drift_findings(drift: dict[str, Drift], lang: Lang = "en") -> list[Finding]:
    """A finding for each flagged drift in the direction document 000 warns about."""
    rule = advice_book().drift_rule
    out = []
    for metric, d in drift.items():
        if not d.flagged or metric not in rule.metrics or not _worse(metric, d) \
                or d.change is None or d.ci95 is None:
            continue
        unit = REGISTRY[metric].unit
        text = advice_book().templates["drift"].in_(lang).format(
            name=metric_label(metric, lang, short=False), early=f"{d.early:.1f}",
            late=f"{d.late:.1f}", unit=unit_text(unit, lang), lo=f"{d.ci95[0]:+.1f}",
            hi=f"{d.ci95[1]:+.1f}")
        base = Finding(metric=metric, side="both", value=round(d.change, 2), unit=unit,
                       severity="watch", guidance=text, kind="drift")
        out.append(_apply(base, rule, lang))
    return out


def safety_notes(lang: Lang = "en") -> list[str]:
    return [_cite(n.in_(lang), n.source) for n in advice_book().safety]


def disclaimer(lang: Lang = "en") -> str:
    return advice_book().disclaimer.in_(lang)
