"""The lifters' journals at the clinic: sharing (verified, append-only), withdrawal, notes and
acknowledgements, and the lifter's page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import delete, select

from spinewise.clinic import secrets as sec
from spinewise.clinic.db import ClinicError, require_current
from spinewise.clinic.models import Acknowledgement, Entry, Lifter, Note, ShareCode
from spinewise.clinic.store import MAX_NOTE, SignedIn, audit, now, session
from spinewise.clinic.audit_words import entries_shared
from spinewise.i18n import N_, SOURCE, gettext, iso_day_in_words, ngettext, using
from spinewise.journal import JournalError, parse_date, read_journal_text

WHAT_THE_CLINIC_SEES = (  # said through gettext where shown (the consent page, `journal share`)
    N_("every entry of your journal: the date, your answers, the advice and the plan of each assessment and "
       "check-in"),
    N_("the entries you add later, when you share again with the same code"),
)


class ShareCodeError(ClinicError):
    """The share code, not the journal, is what is wrong."""


@dataclass(frozen=True)
class Shared:
    label: str
    withdraw_token: str
    added: int
    total: int


def share(url: str | None, code: str, journal: bytes, rulebase) -> Shared:
    """Receive a journal under a share code: every entry verified, none the clinic holds rewritten."""
    require_current(url)
    try:
        entries = read_journal_text(journal)
    except JournalError as exc:
        # Translators: %(problem)s is what is wrong with the journal, a whole clause.
        said = gettext("%(problem)s; nothing was shared.") % {"problem": exc}
        raise ClinicError(said[:1].upper() + said[1:]) from None
    if not entries:
        raise ClinicError(gettext("Your journal has no entries yet; nothing was shared."))
    code_hash = sec.digest(sec.normal_code(code))
    with session(url) as db, db.begin():
        lifter = db.scalars(select(Lifter).where(Lifter.code_sha256 == code_hash)).first()
        held = []
        if lifter is None:
            offered = db.get(ShareCode, code_hash)
            if offered is None or offered.expires_at < now():
                raise ShareCodeError(gettext("This share code is not known or has expired: ask the clinic for a new "
                                             "one; nothing was shared."))
            lifter = Lifter(clinic_id=offered.clinic_id, label=sec.label(), code_sha256=code_hash,
                            withdraw_sha256="", shared_at=now(), **summary(entries, rulebase))
            db.add(lifter)
            db.delete(offered)
            db.flush()
        else:
            held = list(db.scalars(select(Entry.sha256).where(Entry.lifter_id == lifter.id).order_by(Entry.number)))
            _refuse_rewrites(held, entries)
            for key, value in summary(entries, rulebase).items():
                setattr(lifter, key, value)
        for number, entry in enumerate(entries[len(held):], len(held) + 1):
            db.add(Entry(lifter_id=lifter.id, number=number, sha256=entry["sha256"], kind=entry["kind"],
                         date=parse_date(entry["date"]), body=entry))
        withdraw = sec.token()
        lifter.withdraw_sha256 = sec.digest(withdraw)
        with using(SOURCE):  # the audit log keeps English words; its page says them in the page's language
            said = entries_shared(lifter.label, len(entries) - len(held))
        audit(db, "lifter", "share", said, lifter.clinic_id)
        return Shared(lifter.label, withdraw, len(entries) - len(held), len(entries))


def _refuse_rewrites(held: list, entries: list) -> None:
    if len(entries) < len(held):
        raise ClinicError(ngettext(
            "Your journal has %(count)s entry, but the clinic already holds %(held)s: share the journal that holds "
            "them all; nothing was shared.",
            "Your journal has %(count)s entries, but the clinic already holds %(held)s: share the journal that holds "
            "them all; nothing was shared.", len(entries)) % {"count": len(entries), "held": len(held)})
    for number, (kept, entry) in enumerate(zip(held, entries), 1):
        if not sec.same(kept, entry["sha256"]):
            raise ClinicError(gettext(
                "Entry %(number)s of your journal (of %(day)s) is not the one the clinic already holds: a journal may "
                "add entries, not rewrite them; nothing was shared.") % {
                    "number": number, "day": iso_day_in_words(entry["date"])})


def summary(entries: list, rulebase) -> dict:
    """What the list needs of a journal, kept beside the lifter so the list reads one table."""
    latest = entries[-1]
    starts = [i for i, entry in enumerate(entries) if entry["kind"] == "assessment"]
    run = entries[starts[-1]:]
    result, checkin = latest["result"], latest["result"].get("checkin") or {}
    roles = rulebase.checkin.roles if rulebase.checkin else None
    latest_day = parse_date(latest["date"])
    next_checkin = parse_date(checkin.get("next_checkin"))
    if next_checkin is None and roles is not None and result["disposition"] in roles.follows:
        next_checkin = latest_day + datetime.timedelta(days=roles.every_days)
    no_improvement = parse_date(checkin.get("no_improvement_by"))
    if no_improvement is None and result["disposition"] == rulebase.roles.program_disposition:
        done = checkin.get("weeks_counted", run[0]["answers"].get(rulebase.roles.weeks_done_question, 0)) or 0
        missing = max(rulebase.roles.no_improvement_weeks - int(done), 0)
        no_improvement = latest_day + datetime.timedelta(weeks=missing) if missing else None
    pain_answer = roles.pain_answer if roles else ""
    return {
        "entry_count": len(entries), "latest_date": latest_day, "latest_sha256": latest["sha256"],
        "latest_disposition": result["disposition"],
        "pain_change": int(checkin.get("pain_change", 0) or 0),
        "latest_findings": [f["code"] if isinstance(f, dict) else f for f in result.get("findings", [])],
        "next_checkin": next_checkin, "no_improvement_by": no_improvement,
        "pains": [[entry["date"], int(entry["answers"].get(pain_answer) or 0)] for entry in run],
    }


def withdraw(url: str | None, token: str) -> str:
    """Delete everything of the lifter whose private link this is; returns the label the audit keeps."""
    require_current(url)
    with session(url) as db, db.begin():
        lifter = db.scalars(select(Lifter).where(Lifter.withdraw_sha256 == sec.digest(token))).first()
        if lifter is None:
            raise ClinicError(gettext("This withdrawal link is not known: the journal was withdrawn already, or the "
                                      "link is not the latest one sharing gave you."))
        for table in (Entry, Note, Acknowledgement):
            db.execute(delete(table).where(table.lifter_id == lifter.id))
        db.delete(lifter)
        audit(db, "lifter", "withdrawal", lifter.label, lifter.clinic_id)
        return lifter.label


def withdrawal_known(url: str | None, token: str) -> bool:
    with session(url) as db:
        return db.scalars(select(Lifter.id).where(Lifter.withdraw_sha256 == sec.digest(token))).first() is not None


@dataclass(frozen=True)
class LifterRecord:
    lifter: Lifter
    entries: list  # of dict, oldest first
    notes: list  # of Note, oldest first
    acknowledgements: list  # of Acknowledgement, oldest first

    @property
    def latest_acknowledged(self):
        return next((a for a in reversed(self.acknowledgements) if a.entry_sha256 == self.lifter.latest_sha256), None)


def lifter_record(url: str | None, who: SignedIn, label: str, action: str = "view_lifter") -> LifterRecord:
    """A lifter of the practitioner's own clinic (no other), the view audited."""
    with session(url) as db, db.begin():
        lifter = _own(db, who, label)
        entries = [row.body for row in db.scalars(select(Entry).where(Entry.lifter_id == lifter.id)
                                                  .order_by(Entry.number))]
        notes = list(db.scalars(select(Note).where(Note.lifter_id == lifter.id).order_by(Note.id)))
        acks = list(db.scalars(select(Acknowledgement).where(Acknowledgement.lifter_id == lifter.id)
                               .order_by(Acknowledgement.id)))
        audit(db, who.email, action, lifter.label, who.clinic_id)
        return LifterRecord(lifter, entries, notes, acks)


def _own(db, who: SignedIn, label: str) -> Lifter:
    lifter = db.scalars(select(Lifter).where(Lifter.label == label, Lifter.clinic_id == who.clinic_id)).first()
    if lifter is None:
        raise LookupError(label)
    return lifter


def add_note(url: str | None, who: SignedIn, label: str, text: str) -> None:
    text = text.strip()
    if not text:
        raise ClinicError(gettext("Write the note before saving it."))
    if len(text) > MAX_NOTE:
        raise ClinicError(gettext("A note is at most %(most)s characters; this one has %(count)s.") % {
            "most": MAX_NOTE, "count": len(text)})
    with session(url) as db, db.begin():
        lifter = _own(db, who, label)
        db.add(Note(lifter_id=lifter.id, author=who.name, created_at=now(), text=text))
        audit(db, who.email, "note", lifter.label, who.clinic_id)


def acknowledge(url: str | None, who: SignedIn, label: str, entry_sha256: str) -> None:
    """Record who acknowledged the referral of the entry they saw (a newer entry needs its own)."""
    with session(url) as db, db.begin():
        lifter = _own(db, who, label)
        if not sec.same(entry_sha256, lifter.latest_sha256):
            raise ClinicError(gettext("A newer entry has arrived since this page was shown: read it, then "
                                      "acknowledge."))
        db.add(Acknowledgement(lifter_id=lifter.id, entry_sha256=lifter.latest_sha256, author=who.name, at=now()))
        lifter.acknowledged_sha256 = lifter.latest_sha256
        audit(db, who.email, "acknowledge", lifter.label, who.clinic_id)

