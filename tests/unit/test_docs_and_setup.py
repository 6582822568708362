"""Generated docs are fresh, and CI runs exactly the README's test command."""

from __future__ import annotations

from pathlib import Path

from formcheck.docs import render_metrics_table

REPO = Path(__file__).resolve().parents[2]


def test_metrics_doc_is_up_to_date() -> None:
    committed = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert committed == render_metrics_table(), "run: python -m formcheck.docs"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_lines = [line for line in ci.splitlines() if "pytest" in line]
    assert len(test_lines) == 1
    assert test_lines[0].strip() in readme
