"""Render a report model through the Jinja templates in templates/."""

from __future__ import annotations

import functools

import jinja2

from spinewise.paths import templates_dir
from spinewise.report.model import build_view

TEMPLATES = {"text": "report.txt.j2", "markdown": "report.md.j2", "html": "report.html.j2"}


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_report(result, rulebase, fmt: str) -> str:
    view = build_view(result, rulebase)
    return environment().get_template(TEMPLATES[fmt]).render(report=view)
