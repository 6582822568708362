"""The report templates (`formcheck/data/*.j2`), in one Jinja environment so the clip report
and the session report share their finding cards and style."""

from __future__ import annotations

from functools import cache
from importlib import resources

from jinja2 import Environment, FunctionLoader, Template, select_autoescape


def _source(name: str) -> str | None:
    entry = resources.files("formcheck").joinpath(f"data/{name}")
    return entry.read_text("utf-8") if entry.is_file() else None


@cache
def _environment() -> Environment:
    return Environment(loader=FunctionLoader(_source),
                       autoescape=select_autoescape(default=True, default_for_string=True))


def template(name: str) -> Template:
    """A template of `formcheck/data/` by file name."""
    return _environment().get_template(name)
