"""What the clinic does, one transaction each, every act written to the audit log.

The commands (cli_clinic.py) and the pages (app.py) are thin shells over these calls."""

from __future__ import annotations

import datetime
import re
import time
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from spinewise.clinic import secrets as sec
from spinewise.clinic.db import ClinicError, engine_for, require_current
from spinewise.i18n import N_, gettext
from spinewise.clinic.models import (
    ROLES, Acknowledgement, AuditEntry, Clinic, Entry, Lifter, Note, Practitioner, ShareCode, SignedInSession,
    SigninAddress, SignupToken,
)

SIGNUP_VALID = datetime.timedelta(hours=72)
SESSION_VALID = datetime.timedelta(hours=8)
SHARE_CODE_VALID = datetime.timedelta(days=14)
MAX_FAILED_SIGNINS = 5
MAX_FAILED_PER_ADDRESS = 20  # failed sign-ins from one client address within ADDRESS_WINDOW, any accounts
ADDRESS_WINDOW = datetime.timedelta(minutes=15)
LOCKED_FOR = datetime.timedelta(minutes=15)
MAX_NOTE = 5000
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def now() -> datetime.datetime:
    return datetime.datetime.fromtimestamp(int(time.time()), datetime.timezone.utc).replace(tzinfo=None)


def session(url: str | None = None) -> Session:
    return Session(engine_for(url), expire_on_commit=False)


DEFAULT_NAME = N_("The clinic")  # `clinic init`'s name for the clinic when none is given


def audit(db: Session, actor: str, action: str, subject: str = "", clinic_id=None, success: bool = True) -> None:
    db.add(AuditEntry(at=now(), clinic_id=clinic_id, actor=actor, action=action, subject=subject, success=success))


# -- the clinic and its practitioners --------------------------------------------------------

def init_clinic(url: str | None, name: str) -> Clinic:
    """The database's clinic, created with `name` when there is none yet."""
    with session(url) as db, db.begin():
        clinic = db.scalars(select(Clinic).order_by(Clinic.id)).first()
        if clinic is None:
            clinic = Clinic(name=name, created_at=now())
            db.add(clinic)
            db.flush()
            audit(db, "spinewise clinic init", "init", name, clinic.id)
        return clinic


def the_clinic(db: Session) -> Clinic:
    clinic = db.scalars(select(Clinic).order_by(Clinic.id)).first()
    if clinic is None:
        raise ClinicError("the clinic's database has no clinic yet: run `spinewise clinic init` first")
    return clinic


def add_practitioner(url: str | None, name: str, email: str, role: str) -> str:
    """A new practitioner; returns the one-time sign-up token (valid 72 hours)."""
    name, email = " ".join(name.split()), email.strip().lower()
    problems = []
    if not name:
        problems.append("--name must not be empty")
    if not EMAIL.fullmatch(email):
        problems.append(f"--email {email!r} is not an e-mail address")
    if role not in ROLES:
        problems.append(f"--role {role!r} is not a role (allowed: {', '.join(ROLES)})")
    if problems:
        raise ClinicError("; ".join(problems))
    require_current(url)
    with session(url) as db, db.begin():
        clinic = the_clinic(db)
        if db.scalars(select(Practitioner).where(Practitioner.email == email)).first() is not None:
            raise ClinicError(f"--email {email} already belongs to a practitioner of this clinic")
        person = Practitioner(clinic_id=clinic.id, name=name, email=email, role=role, failed_signins=0,
                              created_at=now())
        db.add(person)
        db.flush()
        token = sec.token()
        db.add(SignupToken(token_sha256=sec.digest(token), practitioner_id=person.id,
                           expires_at=now() + SIGNUP_VALID))
        audit(db, "spinewise clinic add-practitioner", "add_practitioner", f"{email} ({role})", clinic.id)
        return token


def signup_person(url: str | None, token: str) -> Practitioner:
    with session(url) as db:
        return _signup(db, token)[1]


def is_reset_link(url: str | None, token: str) -> bool:
    """Whether a usable one-time link resets a password (rather than setting the first one)."""
    with session(url) as db:
        return _signup(db, token)[0].purpose == "password_reset"


@dataclass(frozen=True)
class PractitionerRow:
    name: str
    email: str
    role: str
    password_set: bool


def practitioners(url: str | None, clinic_id: int) -> list[PractitionerRow]:
    with session(url) as db:
        return [PractitionerRow(person.name, person.email, person.role, person.password_hash is not None)
                for person in db.scalars(select(Practitioner).where(Practitioner.clinic_id == clinic_id)
                                         .order_by(Practitioner.name, Practitioner.email))]


def issue_password_reset(url: str | None, email: str, by: str = "spinewise clinic reset-password",
                         clinic_id: int | None = None) -> str:
    """A one-time link (valid 72 hours, like a sign-up link) where the practitioner sets a new password.
    Issuing it ends every session of theirs and stops their old password at once (a reset is also
    what an admin does when a password may be known to someone else); earlier links stop working."""
    email = email.strip().lower()
    require_current(url)
    with session(url) as db, db.begin():
        person = db.scalars(select(Practitioner).where(Practitioner.email == email)).first()
        if person is None or (clinic_id is not None and person.clinic_id != clinic_id):
            raise ClinicError(f"--email {email} is not a practitioner of this clinic")
        moment = now()
        for row in db.scalars(select(SignupToken).where(SignupToken.practitioner_id == person.id,
                                                        SignupToken.used_at.is_(None))):
            row.used_at = moment
        db.execute(delete(SignedInSession).where(SignedInSession.practitioner_id == person.id))
        person.password_hash, person.failed_signins, person.locked_until = None, 0, None
        token = sec.token()
        db.add(SignupToken(token_sha256=sec.digest(token), practitioner_id=person.id, expires_at=moment + SIGNUP_VALID,
                           purpose="password_reset"))
        audit(db, by, "password_reset_link", email, person.clinic_id)
        return token


def _signup(db: Session, token: str):
    row = db.get(SignupToken, sec.digest(token))
    if row is None or row.used_at is not None:
        raise ClinicError("this sign-up link has been used or does not exist: ask the clinic's admin for a new one")
    if row.expires_at < now():
        raise ClinicError("this sign-up link has expired (links are valid for 72 hours): ask the clinic's admin "
                          "for a new one")
    return row, db.get(Practitioner, row.practitioner_id)


def complete_signup(url: str | None, token: str, password: str, repeated: str) -> Practitioner:
    problems = password_problems(password, repeated)
    with session(url) as db, db.begin():
        row, person = _signup(db, token)
        if problems:
            raise ClinicError(" ".join(problems))
        person.password_hash = sec.hash_password(password)
        row.used_at = now()
        if row.purpose == "password_reset":  # any session opened since the link was issued ends too
            db.execute(delete(SignedInSession).where(SignedInSession.practitioner_id == person.id))
        audit(db, person.email, "password_reset" if row.purpose == "password_reset" else "sign_up", "",
              person.clinic_id)
        return person


def password_problems(password: str, repeated: str) -> list[str]:
    problems = []
    if len(password) < sec.MIN_PASSWORD:
        problems.append(f"The password must be at least {sec.MIN_PASSWORD} characters long.")
    if password != repeated:
        problems.append("The two passwords are not the same.")
    return problems


@dataclass(frozen=True)
class SignedIn:
    token: str
    csrf: str
    name: str
    email: str
    role: str
    clinic_id: int
    expires_at: datetime.datetime


class SignInRefused(ClinicError):
    pass


class AddressPaused(SignInRefused):
    """Too many failed sign-ins from one client address: refused until `until`, whatever the account."""

    def __init__(self, until: datetime.datetime):
        super().__init__(f"Too many attempts from this address: signing in is paused until {until:%H:%M} UTC.")
        self.until = until


def sign_in(url: str | None, email: str, password: str, address: str = "") -> SignedIn:
    """A new session, or SignInRefused (the same words whether the e-mail or the password was wrong).
    Failed attempts are limited per account and per client `address` (any accounts).

    A refusal is committed (the failed attempt counted and audited) before it is raised."""
    from sqlalchemy.exc import IntegrityError

    email, address = email.strip().lower(), address[:64]
    for tries_left in (1, 0):
        try:
            with session(url) as db, db.begin():
                paused = _address_paused(db, address)
                if paused is not None:  # audited, then refused (once the audit row is committed)
                    audit(db, email[:320], "sign_in", "address paused", None, success=False)
                    break
                refused, who = _attempt(db, email, password)
                if refused:
                    _count_address_failure(db, address)
            break
        except IntegrityError:  # another attempt from a new address added its row first: count again
            if not tries_left:
                raise
    if paused is not None:
        raise AddressPaused(paused)
    if refused:
        raise SignInRefused(refused)
    return who


def _address_paused(db: Session, address: str) -> datetime.datetime | None:
    row = db.get(SigninAddress, address)
    if row is not None and row.locked_until is not None and row.locked_until > now():
        return row.locked_until
    return None


def _count_address_failure(db: Session, address: str) -> None:
    """One more failure from `address`, counted in the database itself (UPDATE ... failures + 1), so
    that attempts made at the same moment through several servers are all counted."""
    moment = now()
    here = SigninAddress.address == address
    db.execute(update(SigninAddress).where(here, SigninAddress.since < moment - ADDRESS_WINDOW)
               .values(failures=0, since=moment, locked_until=None))  # an old window: start a new one
    counted = db.execute(update(SigninAddress).where(here).values(failures=SigninAddress.failures + 1)).rowcount
    if not counted:
        db.add(SigninAddress(address=address, failures=1, since=moment, locked_until=None))
        db.flush()
    db.execute(update(SigninAddress).where(here, SigninAddress.failures >= MAX_FAILED_PER_ADDRESS)
               .values(locked_until=moment + LOCKED_FOR, failures=0, since=moment))


def _count_account_failure(db: Session, practitioner_id: int, moment: datetime.datetime) -> None:
    """One more failure for the account, counted in the database itself (as for an address), so two
    wrong passwords at the same moment both count."""
    here = Practitioner.id == practitioner_id
    db.execute(update(Practitioner).where(here).values(failed_signins=Practitioner.failed_signins + 1),
               execution_options={"synchronize_session": False})
    db.execute(update(Practitioner).where(here, Practitioner.failed_signins >= MAX_FAILED_SIGNINS)
               .values(locked_until=moment + LOCKED_FOR, failed_signins=0),
               execution_options={"synchronize_session": False})


def _attempt(db: Session, email: str, password: str) -> tuple[str, SignedIn | None]:
    person = db.scalars(select(Practitioner).where(Practitioner.email == email)).first()
    moment = now()
    if person is not None and person.locked_until is not None and person.locked_until > moment:
        audit(db, email, "sign_in", "locked", person.clinic_id, success=False)
        return (gettext("Too many attempts: signing in to this account is paused until %(time)s UTC.") % {
            "time": f"{person.locked_until:%H:%M}"}, None)
    if person is None or not sec.password_matches(person.password_hash, password):
        if person is not None:
            _count_account_failure(db, person.id, moment)
        audit(db, email[:320], "sign_in", "", person.clinic_id if person else None, success=False)
        return gettext("The e-mail address or the password is not right."), None
    person.failed_signins, person.locked_until = 0, None
    token, csrf = sec.token(), sec.token()
    db.add(SignedInSession(token_sha256=sec.digest(token), practitioner_id=person.id, csrf=csrf,
                           created_at=moment, expires_at=moment + SESSION_VALID))
    audit(db, email, "sign_in", "", person.clinic_id)
    return "", SignedIn(token, csrf, person.name, person.email, person.role, person.clinic_id,
                        moment + SESSION_VALID)


def signed_in(url: str | None, token: str | None) -> SignedIn | None:
    if not token:
        return None
    with session(url) as db:
        row = db.get(SignedInSession, sec.digest(token))
        if row is None or row.expires_at < now():
            return None
        person = db.get(Practitioner, row.practitioner_id)
        return SignedIn(token, row.csrf, person.name, person.email, person.role, person.clinic_id, row.expires_at)


def sign_out(url: str | None, who: SignedIn) -> None:
    with session(url) as db, db.begin():
        db.execute(delete(SignedInSession).where(SignedInSession.token_sha256 == sec.digest(who.token)))
        audit(db, who.email, "sign_out", "", who.clinic_id)


def new_share_code(url: str | None, by: str = "spinewise clinic share-code", clinic_id: int | None = None) -> str:
    require_current(url)
    with session(url) as db, db.begin():
        clinic_id = clinic_id or the_clinic(db).id
        code = sec.share_code()
        db.add(ShareCode(code_sha256=sec.digest(code), clinic_id=clinic_id, created_by=by, created_at=now(),
                         expires_at=now() + SHARE_CODE_VALID))
        audit(db, by, "share_code", "", clinic_id)
        return code


# -- the audit log ---------------------------------------------------------------------------

def audit_rows(url: str | None, clinic_id: int | None = None, limit: int | None = None) -> list[AuditEntry]:
    require_current(url)
    with session(url) as db:
        query = select(AuditEntry).order_by(AuditEntry.id.desc() if limit else AuditEntry.id)
        if clinic_id is not None:
            query = query.where(AuditEntry.clinic_id == clinic_id)
        if limit:
            query = query.limit(limit)
        return list(db.scalars(query))


def record(url: str | None, who: SignedIn, action: str, subject: str = "") -> None:
    with session(url) as db, db.begin():
        audit(db, who.email, action, subject, who.clinic_id)
