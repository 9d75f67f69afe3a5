"""The date printed on a report: today, or the date pinned by SOURCE_DATE_EPOCH."""

from __future__ import annotations

import datetime
import os

from spinewise.errors import SpinewiseError


def report_day(today: datetime.date | None = None) -> datetime.date:
    """Today, or the day SOURCE_DATE_EPOCH pins for reproducible reports."""
    return today or _pinned_date() or datetime.date.today()


def report_date(today: datetime.date | None = None) -> str:
    """ISO date (unambiguous in every country)."""
    return report_day(today).isoformat()


def days_after(day: datetime.date, days: int) -> str:
    """The ISO date `days` after `day`, with its weekday: "2026-12-01 (Tuesday)"."""
    later = day + datetime.timedelta(days=days)
    return f"{later.isoformat()} ({later.strftime('%A')})"


def _pinned_date() -> datetime.date | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise SpinewiseError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, "
                             f"not {epoch!r}") from None
