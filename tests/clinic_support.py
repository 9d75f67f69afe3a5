"""Journals for the clinic tests: the worked journeys (tests/journeys) written through the library
as a lifter's `assess` and `checkin` would write them, from a given first day."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from spinewise import api
from spinewise.journal import read_journal

JOURNEYS = Path(__file__).parent / "journeys"


def journey_journal(name: str, folder: Path, first_day: datetime.date, steps: int | None = None) -> Path:
    """The journal of journey `name` (its first `steps` accepted check-ins, all by default)."""
    journey = json.loads((JOURNEYS / f"{name}.json").read_text())
    path = folder / f"{name}.json"
    result = api.assess(journey["first"])
    api.start_journal_entry(path, result, first_day)
    taken = 0
    for step in journey["checkins"]:
        if steps is not None and taken >= steps:
            break
        if step.get("expect", {}).get("refused") or "assess" in step:
            continue
        day = first_day + datetime.timedelta(days=step["day"])
        journal = read_journal(path)
        if api.checkin_refusal(journal, day) is not None:
            break
        api.checkin(journal, step["answers"], day)
        taken += 1
    return path
