"""Render a report model through the Jinja templates in templates/ (and HTML on to PDF)."""

from __future__ import annotations

import functools
import logging
import re
import textwrap
from dataclasses import replace

import jinja2
from markupsafe import Markup

from spinewise import i18n
from spinewise.errors import SpinewiseError
from spinewise.paths import templates_dir
from spinewise.report.model import build_view

TEMPLATES = {"text": "report.txt.j2", "markdown": "report.md.j2", "html": "report.html.j2"}
COLOURS = {"alert": {"fg": "red", "bold": True}, "heading": {"bold": True}, "muted": {"dim": True}}
MIN_WIDTH = 40  # the narrowest text layout; a narrower terminal wraps the lines itself
PDF_MISSING = "PDF output needs the optional PDF support: pip install 'spinewise[pdf]' (WeasyPrint and the Pango library)"


class PdfUnavailable(SpinewiseError):
    """The optional PDF renderer (WeasyPrint) is not installed or cannot load its libraries."""


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_escape_markdown_html,
        auto_reload=False,  # templates ship with the package: no stat of each one on every report
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: `_("Week %(week)s", week=n)` fills named placeholders and escapes them in HTML.
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext,
                                  npgettext=i18n.npgettext)
    env.filters.update(wrap=wrap, paint=paint, full_stop=full_stop, grouped=grouped, drawing_words=drawing_words,
                       date_cell=date_cell)
    env.globals.update(language=i18n.language)
    return env


def render_report(result, rulebase, fmt: str, *, width: int = 80, colour: bool = False, today=None,
                  checkin=None) -> str:
    """The report in `fmt` (text, markdown or html); `width` and `colour` only affect text.

    `checkin` (report/checkin.py) adds the weekly check-in's part, or on a journal's first
    report when to check in."""
    view = build_view(result, rulebase, today)
    if checkin is not None and not checkin.first and view.safety_net is not None:
        # A check-in names the next check-in itself; its no-improvement date is fixed by the counted weeks.
        keep = checkin.no_improvement if checkin.pain_now else ""
        view = replace(view, safety_net=replace(view.safety_net, check_again="", no_improvement=keep,
                                                moved=checkin.moved and bool(keep)))
    return environment().get_template(TEMPLATES[fmt]).render(report=view, width=max(width, MIN_WIDTH), colour=colour,
                                                             fmt=fmt, checkin=checkin)


def drawing_words(svg) -> Markup:
    """A drawing (SVG markup, included from templates/drawings) with its title and description in
    the language in use."""
    from spinewise.i18n.drawings import in_language

    return Markup(in_language(str(svg), i18n.gettext))


def date_cell(day: str) -> str:
    """A date in words for a narrow table cell: it may break only after a comma ("domingo,"), so the
    day never leaves its month ("6 de diciembre de 2026" stays whole)."""
    return re.sub(r"(?<!,) ", "\u00a0", day)


def grouped(digest: str, size: int = 8) -> str:
    """A long hex digest in groups of `size` ("0c23e351 052ba8e1 ..."), so that it wraps at a narrow
    terminal like words and is read in chunks; the JSON result and the rulebook keep it whole."""
    return " ".join(digest[start:start + size] for start in range(0, len(digest), size))


def render_pdf(html: str) -> bytes:
    """The HTML report printed to PDF by WeasyPrint (the `pdf` extra)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        raise PdfUnavailable(PDF_MISSING) from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # it warns about browser-only CSS properties
    return HTML(string=html, base_url=None).write_pdf()


@jinja2.pass_context
def _escape_markdown_html(context, value):
    """Markdown viewers run inline HTML, so rule texts are HTML-escaped there too.

    Macro output is already escaped: the template marks it `| safe` so it is not escaped twice.
    """
    if context is not None and context.get("fmt") == "markdown" and isinstance(value, str) \
            and not isinstance(value, Markup):
        return markdown_text(value)
    return value


def markdown_text(value) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def full_stop(text) -> str:
    """`text` ending as a sentence: a full stop added unless it already ends with one (or ? or !)."""
    text = str(text).rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


@jinja2.pass_context
def wrap(context, text, indent: int = 0, hang: int = 0, prefix: str = "", groups: bool = False) -> str:
    """`text` wrapped to the report width, the first line starting with `prefix`, later lines hanging under it.

    Words are never split: a word longer than the line (a URL, a hash) gets a line of its own and runs over.
    `groups`: the text is fields set apart by two spaces ("Back? yes / no  Notes ____"); a line breaks
    only between fields.
    """
    if groups:
        text = " ".join(field.replace(" ", GLUE) for field in re.split(r" {2,}", str(text).strip()))
    first = " " * indent + prefix
    # Later lines hang under a short prefix; under a long one (a translated label) they would
    # have no room left in a narrow terminal.
    rest = " " * (indent + (hang or (len(prefix) if len(prefix) <= context["width"] // 3 else 2)))
    glued = _glue_brackets(_glue_dates(" ".join(SPACES.split(str(text).strip()))))  # a no-break space stays one
    if prefix and glued and len(first) + len(glued.split()[0]) > context["width"]:
        # A label too long for even the first word beside it stands on its own line.
        return first.rstrip() + "\n" + wrap(context, glued.replace(GLUE, " "), indent=len(rest))
    return textwrap.fill(glued, width=context["width"], initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False).replace(GLUE, " ") or first.rstrip()


SPACES = re.compile(r"[ \t\n\r\f\v]+")
GLUE = "\u2060"  # joins the words of a date while wrapping, so a day never ends a line without its month


@functools.lru_cache(maxsize=8)
def _date_pattern(lang: str):

    from babel.dates import get_day_names, get_month_names

    months = {name for width in ("wide", "abbreviated") for context in ("format", "stand-alone")
              for name in get_month_names(width, context, locale=lang).values()}
    days = {name for context in ("format", "stand-alone") for name in get_day_names("wide", context, locale=lang).values()}
    words = "|".join(sorted((re.escape(m.rstrip(".")) for m in months), key=len, reverse=True))
    weekday = "|".join(sorted((re.escape(d) for d in days), key=len, reverse=True))
    # "Sunday 6 December 2026", "domingo, 6 de diciembre de 2026": the weekday stays with its date too
    return re.compile(rf"(?:\b(?:{weekday}),? )?\b(\d{{1,2}})( de)? ({words})\b\.?( de)?( \d{{4}})?", re.IGNORECASE)


def _glue_dates(text: str) -> str:
    return _date_pattern(i18n.language()).sub(lambda m: m.group(0).replace(" ", GLUE), text)


SHORT_BRACKETS = re.compile(r"\([^()]{1,24}\)")  # "(worst pain 0-10)", "(peor dolor de 0 a 10)"


def _glue_brackets(text: str) -> str:
    """A short aside in brackets stays on one line: broken inside, it reads as two fragments."""
    return SHORT_BRACKETS.sub(lambda m: m.group(0).replace(" ", GLUE), text)


@jinja2.pass_context
def paint(context, text, role: str) -> str:
    """Colour for a terminal; plain text everywhere else."""
    if not context["colour"]:
        return text
    import click

    return click.style(text, **COLOURS[role])
