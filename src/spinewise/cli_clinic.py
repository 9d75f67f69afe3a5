"""`spinewise clinic ...` and the lifter's `spinewise journal share` / `withdraw`: thin shells over
spinewise.clinic (contract "The clinic")."""

from __future__ import annotations

import functools
import json
import sys

import click

from spinewise.cli_language import lang_option
from spinewise.errors import SpinewiseError


class ClinicUsageError(click.ClickException):
    """Bad input: one line on stderr, exit status 2."""

    exit_code = 2


def errors_as_lines(command):
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SpinewiseError as exc:
            raise ClinicUsageError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None

    return wrapper


db_option = click.option("--db", "url", metavar="URL", default=None,
                         help="The clinic's database: sqlite:///PATH or postgresql+psycopg://USER@HOST/NAME "
                              "(default $SPINEWISE_CLINIC_DB, else $XDG_DATA_HOME/spinewise/clinic.sqlite3).")
format_option = click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text",
                             show_default=True)


@click.group(short_help="The clinic: follow the lifters who share their journal.")
def clinic():
    """The clinic: practitioners follow the lifters who share their journal, those who need
    attention first.

    \b
    Example:
        spinewise clinic init
        spinewise clinic add-practitioner --name "Ana Ruiz" --email ana@example.org --role admin
        spinewise clinic serve --port 8800
    """


@clinic.command("init", short_help="Create or migrate the clinic's database.")
@db_option
@click.option("--name", default="The clinic", show_default=True, help="The clinic's name, when it is created.")
@click.option("--grant-to", metavar="ROLE", help="PostgreSQL: the role `clinic serve` connects as, given every "
                                                 "table but only SELECT and INSERT on the audit log.")
@errors_as_lines
def clinic_init(url, name, grant_to):
    """Create the clinic's database, or bring it to this version (Alembic migrations).

    \b
    Examples:
        spinewise clinic init
        spinewise clinic init --db postgresql+psycopg://owner@db.example.org/clinic --grant-to clinic_app
    """
    from spinewise.clinic import db, store

    revision = db.migrate(url)
    clinic = store.init_clinic(url, name)
    if grant_to:
        db.grant_app_role(url, grant_to)
    click.echo(f"{clinic.name}: database at revision {revision} ({db._safe(db.database_url(url))})", err=True)


@clinic.command("add-practitioner", short_help="Add a practitioner; prints their one-time sign-up link.")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--role", required=True, help="practitioner or admin")
@click.option("--url", "base", default="http://localhost:8800", show_default=True,
              help="Where practitioners reach the clinic's web app, for the link (the default is `clinic serve`'s "
                   "own address, right only on the computer it runs on).")
@db_option
@errors_as_lines
def clinic_add_practitioner(name, email, role, base, url):
    """Add a practitioner and print the one-time link (valid 72 hours) where they set a password.

    \b
    Example:
        spinewise clinic add-practitioner --name "Ana Ruiz" --email ana@example.org --role practitioner
    """
    from spinewise.clinic import store

    token = store.add_practitioner(url, name, email, role)
    click.echo(f"{base.rstrip('/')}/signup/{token}")
    _say_assumed_address(base)


@clinic.command("reset-password", short_help="Reset a practitioner's password; prints a one-time link.")
@click.option("--email", required=True, help="The practitioner's e-mail address.")
@click.option("--url", "base", default="http://localhost:8800", show_default=True,
              help="Where practitioners reach the clinic's web app, for the link (the default is `clinic serve`'s "
                   "own address, right only on the computer it runs on).")
@db_option
@errors_as_lines
def clinic_reset_password(email, base, url):
    """Reset a practitioner's password: their sessions end and their old password stops working now;
    print the one-time link (valid 72 hours) where they set a new one. Audited.

    \b
    Example:
        spinewise clinic reset-password --email ana@example.org
    """
    from spinewise.clinic import store

    token = store.issue_password_reset(url, email)
    click.echo(f"{base.rstrip('/')}/signup/{token}")
    _say_assumed_address(base)


def _say_assumed_address(base: str) -> None:
    """A link made without --url assumes the clinic is reached where `clinic serve` listens by default,
    which is true only on this computer: say so (on stderr, so the link alone stays on stdout)."""
    from click.core import ParameterSource

    from spinewise.i18n import gettext

    if click.get_current_context().get_parameter_source("base") is not ParameterSource.DEFAULT:
        return
    click.echo(gettext("This link assumes the clinic's web app is reached at %(url)s (the address `clinic serve` "
                       "listens on by default, on this computer only). If practitioners reach it at another address, "
                       "give them the link with that address in place of %(url)s, or make the link with "
                       "--url ADDRESS.") % {"url": base}, err=True)


@clinic.command("share-code", short_help="Print a new share code for a lifter.")
@db_option
@errors_as_lines
def clinic_share_code(url):
    """Print a new share code alone (valid 14 days for the first share), for a lifter to share with.

    \b
    Example:
        spinewise clinic share-code
    """
    from spinewise.clinic import store

    click.echo(store.new_share_code(url))


@clinic.command("list", short_help="The lifters who need attention first.")
@db_option
@format_option
@click.option("--date", "date_text", metavar="YYYY-MM-DD", help="The day to list for (default today).")
@errors_as_lines
def clinic_list(url, fmt, date_text):
    """The lifters who need attention first, most urgent first, each with the reasons in words.

    \b
    Example:
        spinewise clinic list --format json
    """
    from spinewise import api
    from spinewise.clinic.attention import attention_list

    rulebase = api.load_rulebase()
    rows, _ = attention_list(url, rulebase, api.checkin_day(date_text))
    if fmt == "json":
        click.echo(json.dumps([row.to_json() for row in rows], indent=2, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row.label}  {row.level_title}")
        for reason in row.reasons:
            click.echo(f"    {reason}")
    if not rows:
        click.echo("No lifter has shared a journal with this clinic yet.")


@clinic.command("audit", short_help="Every sign-in, view, export, note, acknowledgement and share.")
@db_option
@format_option
@errors_as_lines
def clinic_audit(url, fmt):
    """Every sign-in, view, export, note, acknowledgement, share and withdrawal: who, when, what.

    \b
    Example:
        spinewise clinic audit --format json > audit.json
    """
    from spinewise.clinic.store import audit_rows

    rows = audit_rows(url)
    if fmt == "json":
        click.echo(json.dumps([{"at": r.at.isoformat(), "who": r.actor, "action": r.action, "what": r.subject,
                                "success": r.success} for r in rows], indent=2, ensure_ascii=False))
        return
    for r in rows:
        refused = "" if r.success else "  (refused)"
        click.echo(f"{r.at:%Y-%m-%d %H:%M:%S}  {r.actor}  {r.action}  {r.subject}{refused}".rstrip())


@clinic.command("serve", short_help="The clinic's web app.")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8800, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free one, and says which).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Requests each process serves at once.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes sharing the port (one per core uses every core).")
@errors_as_lines
def clinic_serve(url, host, port, threads, workers):
    """The clinic's web app: sign-in, the list, each lifter's history, notes, acknowledgements, FHIR
    export, and the lifters' share and withdrawal pages. Several servers (or --workers) may share
    one database.

    \b
    Example:
        spinewise clinic serve --db postgresql+psycopg://clinic_app@db.example.org/clinic --workers 2
    """
    from spinewise.clinic.serve import serve

    try:
        serve(url, host, port, threads, workers, say=lambda line: click.echo(line, err=True))
    except OSError as exc:
        raise ClinicUsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


# -- the lifter's side: registered on `spinewise journal` ----------------------------------------


@click.command("share", short_help="Share your journal with a clinic, with the code it gave you.")
@click.option("--journal", "journal_file", type=click.Path(), metavar="FILE", default=None,
              help="The journal (default $XDG_DATA_HOME/spinewise/journal.json).")
@click.option("--clinic", "clinic_url", required=True, metavar="URL", help="The clinic's address.")
@click.option("--code", required=True, help="The share code the clinic gave you.")
@lang_option
@errors_as_lines
def journal_share(journal_file, clinic_url, code):
    """Send your journal to the clinic the code belongs to; prints your private withdrawal link.
    Sharing again later with the same code adds the new entries.

    \b
    Example:
        spinewise journal share --clinic https://clinic.example.org --code K7PQR-2MX4A
    """
    from spinewise.clinic.client import share_journal
    from spinewise.clinic.lifters import WHAT_THE_CLINIC_SEES
    from spinewise.journal import journal_path

    from spinewise.i18n import gettext, ngettext

    seen = "; ".join(gettext(item) for item in WHAT_THE_CLINIC_SEES)
    click.echo(gettext("The clinic will see %(what)s.") % {"what": seen}, err=True)
    answer = share_journal(clinic_url, code, journal_path(journal_file))
    shared = ngettext("Shared %(count)s new entry (%(total)s in all).", "Shared %(count)s new entries (%(total)s in all).",
                      answer["added"]) % {"count": answer["added"], "total": answer["total"]}
    click.echo(shared + " " + gettext("Keep this private link: it withdraws your journal from the clinic."), err=True)
    click.echo(answer["withdraw_link"])


@click.command("withdraw", short_help="Withdraw your journal from a clinic.")
@click.argument("link")
@lang_option
@errors_as_lines
def journal_withdraw(link):
    """Withdraw your journal from the clinic: it deletes everything of yours there (its audit log
    keeps that it happened).

    \b
    Example:
        spinewise journal withdraw https://clinic.example.org/withdraw/6nH...
    """
    from spinewise.clinic.client import withdraw_journal
    from spinewise.i18n import gettext

    withdraw_journal(link)
    click.echo(gettext("Your journal was withdrawn: the clinic holds nothing of it now."), err=True)


def register(main, journal) -> None:
    main.add_command(clinic)
    journal.add_command(journal_share)
    journal.add_command(journal_withdraw)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(clinic())
