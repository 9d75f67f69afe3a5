"""The clinic's tables (SQLAlchemy 2.0). Secrets (sign-up links, sessions, share codes, withdrawal
links) are stored only as their SHA-256; passwords only as Argon2id hashes. Notes and the audit
log are append-only: the app has no path that updates or deletes them (on PostgreSQL the app's
role has no UPDATE or DELETE on the audit table either: see db.py)."""

from __future__ import annotations

import datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("practitioner", "admin")


class Base(DeclarativeBase):
    pass


class Clinic(Base):
    __tablename__ = "clinic"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class Practitioner(Base):
    __tablename__ = "practitioner"
    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    failed_signins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class SignupToken(Base):
    __tablename__ = "signup_token"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id"), index=True)
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    purpose: Mapped[str] = mapped_column(String(20), default="sign_up")  # or "password_reset"


class SigninAddress(Base):
    """Failed sign-ins from one client address in the current window, whatever accounts they tried."""

    __tablename__ = "signin_address"
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime.datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime.datetime | None] = mapped_column(DateTime)


class SignedInSession(Base):
    __tablename__ = "session"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    practitioner_id: Mapped[int] = mapped_column(ForeignKey("practitioner.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class ShareCode(Base):
    __tablename__ = "share_code"
    code_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class Lifter(Base):
    """A lifter who shared a journal, with what the list needs of the latest entry kept beside it."""

    __tablename__ = "lifter"
    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    label: Mapped[str] = mapped_column(String(20), unique=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    withdraw_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    shared_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    entry_count: Mapped[int] = mapped_column(Integer)
    latest_date: Mapped[datetime.date] = mapped_column(Date)
    latest_sha256: Mapped[str] = mapped_column(String(64))
    latest_disposition: Mapped[str] = mapped_column(String(80))
    pain_change: Mapped[int] = mapped_column(Integer)
    latest_findings: Mapped[list] = mapped_column(JSON)
    next_checkin: Mapped[datetime.date | None] = mapped_column(Date)
    no_improvement_by: Mapped[datetime.date | None] = mapped_column(Date)
    pains: Mapped[list] = mapped_column(JSON)  # the pain (0-10) of every entry of the program under way
    acknowledged_sha256: Mapped[str | None] = mapped_column(String(64))  # the entry last acknowledged


class Entry(Base):
    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("lifter_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    lifter_id: Mapped[int] = mapped_column(ForeignKey("lifter.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[datetime.date] = mapped_column(Date)
    body: Mapped[dict] = mapped_column(JSON)


class Note(Base):
    __tablename__ = "note"
    id: Mapped[int] = mapped_column(primary_key=True)
    lifter_id: Mapped[int] = mapped_column(ForeignKey("lifter.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    text: Mapped[str] = mapped_column(Text)


class Acknowledgement(Base):
    __tablename__ = "acknowledgement"
    id: Mapped[int] = mapped_column(primary_key=True)
    lifter_id: Mapped[int] = mapped_column(ForeignKey("lifter.id", ondelete="CASCADE"), index=True)
    entry_sha256: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime.datetime] = mapped_column(DateTime)


class AuditEntry(Base):
    """Who did what, when. Names the lifter by label only: no health data, and it outlives a withdrawal."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(DateTime, index=True)
    clinic_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200), default="")
    success: Mapped[bool] = mapped_column(Boolean, default=True)
