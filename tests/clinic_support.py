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


# -- databases: a SQLite file, and a real PostgreSQL when .ci/run started one ------------------

POSTGRES_ENV = "SPINEWISE_TEST_POSTGRES"  # e.g. postgresql+psycopg://postgres@127.0.0.1:55432/postgres


def postgres_url() -> str | None:
    import os

    return os.environ.get(POSTGRES_ENV) or None


def fresh_database(kind: str, tmp_path) -> tuple[str, object]:
    """(URL of an empty database of `kind`, a function that drops it)."""
    import uuid

    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'clinic.sqlite3'}", lambda: None
    import sqlalchemy as sa

    admin = sa.create_engine(postgres_url(), isolation_level="AUTOCOMMIT")
    name = f"clinic_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE {name}"))
    url = postgres_url().rsplit("/", 1)[0] + f"/{name}"

    def drop():
        from spinewise.clinic import db

        engine = db._ENGINES.pop(url, None)
        if engine is not None:
            engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return url, drop


def csrf_of(html: str) -> str:
    import re

    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)
