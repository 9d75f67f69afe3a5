"""Render the review outputs (rulebook, questions, test table, diff) through templates/."""

from __future__ import annotations

import functools

import jinja2
from markupsafe import Markup

from spinewise import i18n
from spinewise.paths import templates_dir


def _markdown_safe(value):
    # Markdown passes HTML through, so rule text is escaped there as it is in HTML;
    # a macro's output, marked `| raw`, is already escaped.
    if isinstance(value, Markup):
        return value
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


@functools.lru_cache(maxsize=None)
def environment(kind: str) -> jinja2.Environment:
    """`kind` is html (autoescaped), markdown (HTML in values escaped) or text (as is)."""
    options = {"autoescape": True} if kind == "html" else {}
    if kind == "markdown":
        options["finalize"] = _markdown_safe
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())), undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, extensions=["jinja2.ext.i18n"],
        **options,
    )
    # The fixed words of the rulebook and the review card are catalogue messages (`--lang`).
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext,
                                  npgettext=i18n.npgettext)
    env.globals.update(language=i18n.language)
    env.filters["raw"] = Markup
    return env


def render(template: str, kind: str, **context) -> str:
    return environment(kind).get_template(template).render(**context)
