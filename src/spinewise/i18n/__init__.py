"""The language a lifter reads: gettext over Babel catalogues, one language per run or request.

English is the source language. Two catalogues serve a language: the package's (templates and
code, `spinewise/locale/<lang>/LC_MESSAGES/spinewise.po`) and the rule folder's (the texts
clinicians write, `<rules>/locale/<lang>/LC_MESSAGES/rules.po`). PO files are read directly
(babel.messages.pofile), so a clinician's edit needs no build step; fuzzy entries are never used.
"""

from __future__ import annotations

import contextlib
import gettext as _gettext
import os
import re
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SOURCE = "en"
PACKAGE_DOMAIN = "spinewise"
RULES_DOMAIN = "rules"
PACKAGE_LOCALE = Path(__file__).resolve().parent.parent / "locale"
ENVIRONMENT = ("LC_ALL", "LC_MESSAGES", "LANG")

_current: ContextVar[str] = ContextVar("spinewise_language", default=SOURCE)


class LanguageRefused(ValueError):
    """A language asked for that is not offered (its catalogues are missing or incomplete)."""


# -- the language in use ---------------------------------------------------------------------

def language() -> str:
    return _current.get()


def set_language(lang: str) -> None:
    _current.set(lang)


@contextlib.contextmanager
def using(lang: str):
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def tag(value: str) -> str:
    """'es_ES.UTF-8' -> 'es'; 'C' and 'POSIX' -> ''."""
    base = re.split(r"[._@]", value.strip())[0].replace("-", "_").split("_")[0].lower()
    return "" if base in ("c", "posix") else base


def from_environment(offered_languages) -> str:
    """The first of LC_ALL, LC_MESSAGES, LANG that is set, when its language is offered; else English."""
    for name in ENVIRONMENT:
        value = os.environ.get(name, "").strip()
        if value:
            lang = tag(value)
            return lang if lang in offered_languages else SOURCE
    return SOURCE


def choose(asked: str | None, offered_languages) -> str:
    """The language for `--lang asked` (None: from the environment); refuses one not offered."""
    if asked is None:
        return from_environment(offered_languages)
    lang = tag(asked) or asked
    if lang not in offered_languages:
        raise LanguageRefused(f"--lang {asked!r} is not offered; the languages offered are: "
                              f"{', '.join(sorted(offered_languages))}")
    return lang


def from_accept_language(header: str, offered_languages) -> str:
    """The first language of an Accept-Language header that is offered (by quality), else English."""
    ranked = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        quality = 1.0
        for piece in pieces[1:]:
            if piece.strip().startswith("q="):
                try:
                    quality = float(piece.strip()[2:])
                except ValueError:
                    quality = 0.0
        if pieces[0].strip():
            ranked.append((-quality, index, tag(pieces[0]) if pieces[0].strip() != "*" else SOURCE))
    for _, _, lang in sorted(ranked):
        if lang in offered_languages:
            return lang
    return SOURCE


# -- catalogues ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Lookup:
    """A catalogue's usable translations: {(context, msgid): str or tuple of plural forms}."""

    messages: dict
    plural: object  # n -> index of the plural form


@lru_cache(maxsize=32)
def _lookup(path: str, mtime: int) -> Lookup:  # noqa: ARG001 - mtime keys the cache
    from babel.messages.pofile import read_po

    with open(path, "rb") as handle:
        catalog = read_po(handle)
    messages = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key_id = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        if isinstance(message.string, (tuple, list)):
            if all(message.string):
                messages[(message.context, key_id)] = tuple(message.string)
        elif message.string:
            messages[(message.context, normal(key_id))] = message.string
    return Lookup(messages, _gettext.c2py(catalog.plural_expr))


def catalogue_path(lang: str, domain: str, rules_folder=None) -> Path:
    folder = PACKAGE_LOCALE if domain == PACKAGE_DOMAIN else Path(rules_folder) / "locale"
    return folder / lang / "LC_MESSAGES" / f"{domain}.po"


def _catalogue(lang: str, domain: str, rules_folder=None) -> Lookup | None:
    if lang == SOURCE or (domain == RULES_DOMAIN and not rules_folder):
        return None
    path = catalogue_path(lang, domain, rules_folder)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    return _lookup(str(path), mtime)


def normal(text: str) -> str:
    """A rule text as its msgid: whitespace folded (YAML `>` blocks end with a newline)."""
    return " ".join(str(text).split())


def _find(domain: str, context, message: str, rules_folder=None):
    lookup = _catalogue(language(), domain, rules_folder)
    if lookup is None:
        return None, None
    return lookup.messages.get((context, normal(message) if isinstance(message, str) else message)), lookup


def gettext(message: str) -> str:
    found, _ = _find(PACKAGE_DOMAIN, None, message)
    return found if isinstance(found, str) else message


def pgettext(context: str, message: str) -> str:
    found, _ = _find(PACKAGE_DOMAIN, context, message)
    return found if isinstance(found, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    lookup = _catalogue(language(), PACKAGE_DOMAIN)
    found = lookup.messages.get((None, singular)) if lookup else None
    if isinstance(found, tuple):
        return found[min(lookup.plural(n), len(found) - 1)]
    return singular if n == 1 else plural


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    lookup = _catalogue(language(), PACKAGE_DOMAIN)
    found = lookup.messages.get((context, singular)) if lookup else None
    if isinstance(found, tuple):
        return found[min(lookup.plural(n), len(found) - 1)]
    return singular if n == 1 else plural


_ = gettext


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; it is translated where it is used."""
    return message


def rule_text(text: str, context: str | None, rules_folder) -> str:
    """A text of the rule folder in the language in use (the text itself when untranslated)."""
    if not text or language() == SOURCE:
        return text
    found, _ = _find(RULES_DOMAIN, context, text, rules_folder)
    return found if isinstance(found, str) else text


LONG_DATE = {"en": "EEEE d MMMM y"}  # English keeps its own order; other languages take CLDR's full date


def day_in_words(day) -> str:
    """A date as a lifter says it, in the language in use: "Friday 4 December 2026"."""
    from babel.dates import format_date

    lang = language()
    return format_date(day, LONG_DATE.get(lang, "full"), locale=lang)


def iso_day_in_words(text: str) -> str:
    """An ISO date (as a journal stores it) in words; anything else stays as it was written."""
    import datetime

    try:
        return day_in_words(datetime.date.fromisoformat(text))
    except ValueError:
        return text


def format_text(message: str, **values) -> str:
    """A translated message with its named placeholders filled: `%(name)s`."""
    return message % values if values else message
