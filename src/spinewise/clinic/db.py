"""The clinic's database: a SQLite file by default, PostgreSQL by a `postgresql+psycopg://` URL.

`migrate` runs the Alembic migrations shipped in this package (what `spinewise clinic init`
does); every other command refuses a database that is not at the latest revision."""

from __future__ import annotations

import os
from pathlib import Path

from spinewise.errors import SpinewiseError

MIGRATIONS = Path(__file__).parent / "migrations"
_ENGINES: dict = {}


class ClinicError(SpinewiseError):
    """Bad input to the clinic (a database, a code, a journal): one line, exit status 2."""


def default_url() -> str:
    """`$XDG_DATA_HOME/spinewise/clinic.sqlite3` (default ~/.local/share/spinewise/clinic.sqlite3)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return f"sqlite:///{Path(base) / 'spinewise' / 'clinic.sqlite3'}"


def database_url(url: str | None) -> str:
    url = url or os.environ.get("SPINEWISE_CLINIC_DB") or default_url()
    if not url.startswith(("sqlite:///", "postgresql+psycopg://")):
        raise ClinicError(f"--db {url!r} is not a database this clinic uses: give a sqlite:///PATH "
                          "or a postgresql+psycopg://USER@HOST:PORT/NAME URL")
    return url


def engine_for(url: str | None = None):
    """One engine (a connection pool) per database URL and process."""
    from sqlalchemy import create_engine, event

    url = database_url(url)
    engine = _ENGINES.get(url)
    if engine is None:
        if url.startswith("sqlite:///"):
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=True)
        engine = _ENGINES.setdefault(url, engine)
    return engine


def _sqlite_pragmas(connection, _record):
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for a writer (two servers, one file)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(url: str | None = None) -> str:
    """Create or bring the database to the latest revision; returns the revision."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy.exc import OperationalError

    url = database_url(url)
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine_for(url).begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as exc:
        raise ClinicError(f"cannot open the clinic's database {_safe(url)}: {_first_line(exc)}") from None
    return current_revision(url)


def current_revision(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy.exc import OperationalError

    try:
        with engine_for(url).connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise ClinicError(f"cannot open the clinic's database {_safe(database_url(url))}: {_first_line(exc)}") from None


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def require_current(url: str | None = None) -> None:
    if url is None or not database_url(url).startswith("sqlite:///") or Path(
            database_url(url).removeprefix("sqlite:///")).exists():
        revision = current_revision(url)
    else:
        revision = None
    if revision != head_revision():
        raise ClinicError(f"the clinic's database {_safe(database_url(url))} is not set up "
                          f"(revision {revision or 'none'}): run `spinewise clinic init` first")


def grant_app_role(url: str, role: str) -> None:
    """PostgreSQL: let `role` (the one `clinic serve` connects as) use every table, but only read and
    add to the audit log."""
    from sqlalchemy import text

    if not database_url(url).startswith("postgresql"):
        raise ClinicError("--grant-to is for PostgreSQL; a SQLite file has no roles")
    if not role.replace("_", "").isalnum():
        raise ClinicError(f"--grant-to {role!r}: a role name is letters, digits and _")
    with engine_for(url).begin() as connection:
        connection.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'))
        connection.execute(text(f'REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM "{role}"'))
        connection.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))


def _safe(url: str) -> str:
    """The URL without a password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url


def _first_line(exc) -> str:
    return str(getattr(exc, "orig", exc)).strip().splitlines()[0]
