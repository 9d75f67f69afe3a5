"""What the clinic's pages show, prepared into frozen dataclasses: the templates only loop and branch."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from spinewise.clinic.audit_words import entries_shared, lifters_viewed
from spinewise.i18n import day_in_words, gettext

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 32, 3


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    points: str  # the polyline's "x,y x,y ..."
    last: tuple  # (x, y) of the latest pain, drawn as a dot
    alternative: str  # the chart in words


def sparkline(pains) -> Sparkline | None:
    """The pain of every entry of the program under way, 0-10, as a small line chart."""
    values = [int(pain) for _, pain in pains]
    if not values:
        return None
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(values) - 1, 1)
    coords = [(round(SPARK_PAD + i * step, 1), round(SPARK_HEIGHT - SPARK_PAD - v * (SPARK_HEIGHT - 2 * SPARK_PAD) / 10, 1))
              for i, v in enumerate(values)]
    words = ", ".join(str(v) for v in values)
    # Translators: the small chart of a lifter's pain in words; %(pains)s is "5, 3, 3".
    alternative = gettext("Pain out of 10 at each entry, oldest first: %(pains)s") % {"pains": words}
    return Sparkline(SPARK_WIDTH, SPARK_HEIGHT, " ".join(f"{x},{y}" for x, y in coords), coords[-1], alternative)


def moment(at: datetime.datetime, seconds: bool = False, utc: bool = True) -> str:
    """A moment in words, in the language in use: "Sunday 6 December 2026 at 09:00 UTC"."""
    time = f"{at:%H:%M:%S}" if seconds else f"{at:%H:%M}"
    if utc:
        # Translators: a moment on the clinic's pages; %(day)s is a date in words, %(time)s is 09:00.
        return gettext("%(day)s at %(time)s UTC") % {"day": day_in_words(at.date()), "time": time}
    # Translators: a moment in the audit log, whose column says the times are UTC.
    return gettext("%(day)s at %(time)s") % {"day": day_in_words(at.date()), "time": time}


def acknowledged_by(name: str, at: datetime.datetime) -> str:
    # Translators: who acknowledged a referral, and when ("Ana Ruiz, Sunday 6 December 2026 at 09:00 UTC").
    return gettext("%(name)s, %(when)s") % {"name": name, "when": moment(at)}


@dataclass(frozen=True)
class ListRow:
    label: str
    level_title: str
    refers: bool
    style: str
    disposition_title: str
    reasons: tuple
    chart: Sparkline | None
    next_checkin: str
    acknowledged: str  # "" when not acknowledged


def list_rows(rows, rulebase) -> list[ListRow]:
    """The list's rows in the language in use: the rule base's titles and reasons, dates in words."""
    from spinewise.clinic.attention import row_words
    from spinewise.rulebase.words import in_language

    said = in_language(rulebase)
    out = []
    for row in rows:
        words = row_words(said, row, day_in_words)
        out.append(ListRow(row.label, words.level_title, row.refers, row.style, words.disposition_title,
                           words.reasons, sparkline(row.pains),
                           day_in_words(row.next_checkin) if row.next_checkin else "",
                           acknowledged_by(*row.acknowledged) if row.acknowledged else ""))
    return out


@dataclass(frozen=True)
class EntryRow:
    number: int
    kind: str
    date: str
    disposition_title: str
    pain: int


@dataclass(frozen=True)
class LifterPage:
    label: str
    shared_at: str
    disposition_title: str
    refers: bool
    style: str
    latest_sha256: str
    acknowledged: str
    entries: tuple
    notes: tuple  # of (author, when, text)
    chart: Sparkline | None


def lifter_page(record, rulebase) -> LifterPage:
    """A lifter's page in the language in use: the history as the lifter's journal says it
    (report.checkin.journal_view: the rule base's titles in that language, dates in words)."""
    from spinewise.journal import Journal
    from spinewise.report.checkin import journal_view
    from spinewise.rulebase.words import in_language

    said = in_language(rulebase)
    titles = {d.code: d for d in said.dispositions}
    lifter = record.lifter
    latest = titles.get(lifter.latest_disposition)
    history = journal_view(Journal(None, record.entries), rulebase)
    entries = tuple(EntryRow(n, e.kind, e.date, e.outcome, e.pain) for n, e in enumerate(history.entries, 1))
    ack = record.latest_acknowledged
    return LifterPage(lifter.label, day_in_words(lifter.shared_at.date()),
                      latest.title if latest else lifter.latest_disposition,
                      latest.referral if latest else True, latest.style if latest else "danger", lifter.latest_sha256,
                      acknowledged_by(ack.author, ack.at) if ack else "",
                      entries, tuple((n.author, moment(n.created_at), n.text) for n in record.notes),
                      sparkline(lifter.pains))


@dataclass(frozen=True)
class AuditRow:
    when: str
    actor: str
    action: str  # the action in words
    code: str  # the action's code, as `clinic audit` prints it
    refused: bool
    subject: str  # in words where the audit wrote words of its own (counts, roles), else as written


def audit_rows(rows) -> list[AuditRow]:
    return [AuditRow(moment(row.at, seconds=True, utc=False), row.actor,
                     gettext(ACTIONS[row.action]) if row.action in ACTIONS else row.action, row.action,
                     not row.success, audit_subject(row.action, row.subject)) for row in rows]


def audit_subject(action: str, subject: str) -> str:
    """What an audit entry is about, in the language in use. The log keeps the English words the
    store wrote (`clinic audit` prints them as they are); a page says them again in its language."""
    from spinewise.clinic.store import DEFAULT_NAME

    found = re.fullmatch(r"(\d+) lifters?", subject) if action == "view_list" else None
    if found:
        return lifters_viewed(int(found.group(1)))
    found = re.fullmatch(r"(\S+): (\d+) new entr(?:y|ies)", subject) if action == "share" else None
    if found:
        return entries_shared(found.group(1), int(found.group(2)))
    found = re.fullmatch(r"(.+) \((\w+)\)", subject) if action == "add_practitioner" else None
    if found and found.group(2) in ROLE_WORDS:
        # Translators: a practitioner added, in the audit log: "ana@example.org (admin)".
        return gettext("%(email)s (%(role)s)") % {"email": found.group(1), "role": gettext(ROLE_WORDS[found.group(2)])}
    if action == "init" and subject == DEFAULT_NAME:
        return gettext(DEFAULT_NAME)
    if action == "sign_in" and subject in SIGN_IN_REFUSALS:
        return gettext(SIGN_IN_REFUSALS[subject])
    return subject


def _(message: str) -> str:  # marks the words for the catalogues; the page says them through gettext
    return message


ACTIONS = {
    "init": _("set up the clinic"), "add_practitioner": _("added a practitioner"), "sign_up": _("set a password"),
    "sign_in": _("signed in"), "sign_out": _("signed out"), "share_code": _("made a share code"),
    "share": _("shared a journal"), "withdrawal": _("withdrew a journal"), "view_list": _("viewed the list"),
    "view_lifter": _("viewed a lifter"), "view_history": _("viewed a lifter's whole history"),
    "export_fhir": _("exported a lifter's FHIR record"), "note": _("wrote a note"),
    "acknowledge": _("acknowledged a referral"), "view_audit": _("viewed the audit log"),
    "password_reset_link": _("issued a password reset link"), "password_reset": _("set a new password"),
}
ROLE_WORDS = {"admin": _("admin"), "practitioner": _("practitioner")}
SIGN_IN_REFUSALS = {  # what the store writes of a refused sign-in, and the words a page says it in
    # Translators: in the audit log: a sign-in refused because attempts from that network address are paused.
    "address paused": _("address paused"),
    # Translators: in the audit log: a sign-in refused because the account is paused after wrong passwords.
    "locked": _("account paused"),
}


def today() -> datetime.date:
    from spinewise.report.dates import report_day

    return report_day()
