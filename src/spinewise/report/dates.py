"""The dates printed on a report: today, or the date pinned by SOURCE_DATE_EPOCH, in words."""

from __future__ import annotations

import datetime
import os

from spinewise.errors import SpinewiseError


def report_day(today: datetime.date | None = None) -> datetime.date:
    """Today, or the day SOURCE_DATE_EPOCH pins for reproducible reports."""
    return today or _pinned_date() or datetime.date.today()


def report_date(today: datetime.date | None = None) -> str:
    """ISO date, for machines (FHIR, batch); people read `in_words`."""
    return report_day(today).isoformat()


def in_words(day: datetime.date) -> str:
    """A date as a lifter says it, the same in every country: "Friday 4 December 2026"."""
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')}"


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
