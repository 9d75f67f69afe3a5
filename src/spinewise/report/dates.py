"""The date printed on a report: today, or the date pinned by SOURCE_DATE_EPOCH."""

from __future__ import annotations

import datetime
import os

from spinewise.errors import SpinewiseError


def report_date(today: datetime.date | None = None) -> str:
    """ISO date (unambiguous in every country); SOURCE_DATE_EPOCH pins it for reproducible reports."""
    if today is None:
        today = _pinned_date() or datetime.date.today()
    return today.isoformat()


def _pinned_date() -> datetime.date | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise SpinewiseError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01, "
                             f"not {epoch!r}") from None
