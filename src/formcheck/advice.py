"""Findings → the source documents' causes and drills (rules live in data/advice.json).

Every cause and drill carries its source document; every report carries the safety notes
and the "not a diagnosis" disclaimer. Text is in English or Japanese.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from formcheck.metrics.registry import REGISTRY
from formcheck.schema import Drift, Finding
from formcheck.texts import Lang, metric_label, unit_text


@cache
def advice_data() -> dict:
    text = resources.files("formcheck").joinpath("data/advice.json").read_text("utf-8")
    return json.loads(text)


def source_file(doc: str) -> str:
    return advice_data()["documents"][doc]["file"]


def _cite(text: str, doc: str) -> str:
    return f"{text} [{source_file(doc)}]"


def drill_text(drill_id: str, lang: Lang) -> str:
    d = advice_data()["drills"][drill_id]
    if lang == "en":
        text = f"{d['name'][lang]} — {d['dosage'][lang]}. {d['cue'][lang]} {d['caution'][lang]}"
    else:  # Japanese sentences end in 。 and run on without spaces
        text = f"{d['name'][lang]} — {d['dosage'][lang]}。{d['cue'][lang]}{d['caution'][lang]}"
    return _cite(text, d["source"])


def _apply(finding: Finding, rule: dict, lang: Lang) -> Finding:
    causes = [_cite(c[lang], c["source"]) for c in rule["causes"]]
    cue = rule.get("cue")
    drills = [drill_text(d, lang) for d in rule["drills"]]
    docs = {c["source"] for c in rule["causes"]} | {advice_data()["drills"][d]["source"]
                                                   for d in rule["drills"]}
    if cue:
        docs.add(cue["source"])
    return finding.model_copy(update={
        "explanation": rule["explanation"][lang], "causes": causes, "drills": drills,
        "cue": _cite(cue[lang], cue["source"]) if cue else None,
        "sources": sorted(source_file(d) for d in docs), "rule": rule["id"]})


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
        rule = next((r for r in advice_data()["rules"] if finding.metric in r["metrics"]
                     and r["direction"] == direction), None)
        if rule:
            finding = _apply(finding, rule, lang)
        elif direction:
            text = advice_data()["uncovered"].get(f"{finding.metric}:{direction}")
            finding = finding.model_copy(update={"explanation": text[lang] if text else None})
        out.append(finding)
    return out


def _worse(metric: str, drift: Drift) -> bool:
    how = advice_data()["drift_rule"]["worse"].get(metric)
    if how is None or drift.change is None or drift.early is None or drift.late is None:
        return False
    if how == "up":
        return drift.change > 0
    return abs(drift.late) > abs(drift.early)  # away_from_zero


def drift_findings(drift: dict[str, Drift], lang: Lang = "en") -> list[Finding]:
    """A finding for each flagged drift in the direction document 000 warns about."""
    rule = advice_data()["drift_rule"]
    out = []
    for metric, d in drift.items():
        if not d.flagged or metric not in rule["metrics"] or not _worse(metric, d):
            continue
        unit = REGISTRY[metric].unit
        text = advice_data()["templates"]["drift"][lang].format(
            name=metric_label(metric, lang, short=False), early=f"{d.early:.1f}",
            late=f"{d.late:.1f}", unit=unit_text(unit, lang), lo=f"{d.ci95[0]:+.1f}",
            hi=f"{d.ci95[1]:+.1f}")
        base = Finding(metric=metric, side="both", value=round(d.change, 2), unit=unit,
                       severity="watch", guidance=text, kind="drift")
        out.append(_apply(base, rule, lang))
    return out


def safety_notes(lang: Lang = "en") -> list[str]:
    return [_cite(n[lang], n["source"]) for n in advice_data()["safety"]]


def disclaimer(lang: Lang = "en") -> str:
    return advice_data()["disclaimer"][lang]
