"""The dates printed on a report: today, or the date pinned by SOURCE_DATE_EPOCH, in words."""

from __future__ import annotations

import datetime
import os

from spinewise.errors import SpinewiseError
from spinewise.i18n import day_in_words, language


def report_day(today: datetime.date | None = None) -> datetime.date:
    """Today, or the day SOURCE_DATE_EPOCH pins for reproducible reports."""
    return today or _pinned_date() or datetime.date.today()


def report_date(today: datetime.date | None = None) -> str:
    """ISO date, for machines (FHIR, batch); people read `in_words`."""
    return report_day(today).isoformat()


# The pattern of a date in words per language (CLDR, through Babel); English keeps its own
# order so that a date reads the same in every English-speaking country.
SHORT = {"en": "d MMM", "es": "d MMM"}


def in_words(day: datetime.date) -> str:
    """A date as a lifter says it: "Friday 4 December 2026", "viernes, 4 de diciembre de 2026"."""
    return day_in_words(day)


def short_day(day: datetime.date) -> str:
    """The day and month, short: "2 Nov", "2 nov"."""
    from babel.dates import format_date

    lang = language()
    return format_date(day, SHORT.get(lang, "d MMM"), locale=lang).rstrip(".")


def iso_in_words(text: str) -> str:
    """An ISO date (as the journal stores it) in words."""
    return in_words(datetime.date.fromisoformat(text))


def days_after(day: datetime.date, days: int) -> str:
    """The date `days` after `day`, in words: "Tuesday 1 December 2026"."""
    return in_words(day + datetime.timedelta(days=days))


def _pinned_date() -> datetime.date | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise SpinewiseError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, "
                             f"not {epoch!r}") from None
