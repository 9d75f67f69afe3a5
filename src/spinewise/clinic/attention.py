"""The list of lifters who need attention first, in the rule base's order (attention.yaml).

The lifter table keeps what the list needs of each latest entry, so the list is one query,
the rule base's levels evaluated once per distinct state (most lifters share a few), a sort
and the reasons written for the rows shown."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, replace

from sqlalchemy import Text, case, cast, func, select

from spinewise.clinic.db import require_current
from spinewise.clinic.models import Acknowledgement, Lifter
from spinewise.clinic.audit_words import lifters_viewed
from spinewise.clinic.store import audit, session
from spinewise.i18n import SOURCE, pgettext, using
from spinewise.rulebase.attention import absent_facts, reason_text

FAR = datetime.date.max


@dataclass(frozen=True)
class Row:
    label: str
    disposition: str
    disposition_title: str
    style: str
    level: str  # the code the level says of this lifter (its own, or that of what it says instead)
    level_title: str
    reasons: tuple  # in English, dates as YYYY-MM-DD (`clinic list`); a page says them with `words`
    latest_date: datetime.date
    next_checkin: datetime.date | None
    acknowledged: tuple | None  # (by, at) when the latest entry's referral was acknowledged
    refers: bool
    pains: tuple  # of (date, pain)
    said: tuple = ()  # (level index, what it says: the level or one of its `instead`) of each reason said
    pain_change: int = 0
    no_improvement_by: datetime.date | None = None
    days_overdue: int | None = None

    def to_json(self) -> dict:
        return {"lifter": self.label, "disposition": self.disposition, "attention": self.level,
                "reasons": list(self.reasons),
                "next_checkin": self.next_checkin.isoformat() if self.next_checkin else None,
                "acknowledged": {"by": self.acknowledged[0], "at": self.acknowledged[1].isoformat()}
                if self.acknowledged else None}


def attention_list(url: str | None, rulebase, today: datetime.date, clinic_id: int | None = None,
                   actor: str = "spinewise clinic list", start: int = 0, count: int | None = None):
    """(rows start..start+count of the list, the number of lifters); the view audited.

    Lifters whose latest entries say the same things to the list (disposition, pain change,
    findings, dates, acknowledged or not) form one group, counted by the database: the rule
    base decides each group's place once, and only the rows shown are read in full."""
    require_current(url)
    with session(url) as db, db.begin():
        if clinic_id is None:
            from spinewise.clinic.store import the_clinic

            clinic_id = the_clinic(db).id
        state = _states(clinic_id)
        keys = [state.c[name] for name in KEY]
        groups = db.execute(select(*keys, func.count().label("lifters")).group_by(*keys)).all()
        ranked = sorted(((_group_key(rulebase, group, today), group) for group in groups), key=lambda g: g[0])
        total = sum(group.lifters for _, group in ranked)
        window = _window(ranked, start, total if count is None else count)
        if len(window) <= WINDOW_QUERIES:
            lifters = [row for group, skip, take in window for row in db.execute(
                select(state).where(*_same(state, group)).order_by(state.c.label).offset(skip).limit(take))]
        else:
            order = {tuple(group[:len(KEY)]): place for place, (_, group) in enumerate(ranked)}
            every = sorted(db.execute(select(state)).all(),
                           key=lambda row: (order[tuple(row._mapping[name] for name in KEY)], row.label))
            lifters = every[start:start + count] if count is not None else every[start:]
        labels = [row.label for row in lifters if row.acked]
        acks = {row.label: (row.author, row.at) for row in db.execute(
            select(Lifter.label, Acknowledgement.author, Acknowledgement.at)
            .join(Acknowledgement, (Acknowledgement.lifter_id == Lifter.id)
                  & (Acknowledgement.entry_sha256 == Lifter.latest_sha256))
            .where(Lifter.label.in_(labels)).order_by(Acknowledgement.id))} if labels else {}
        audit(db, actor, "view_list", _in_english(lambda: lifters_viewed(total)), clinic_id)
    dispositions = {d.code: d for d in rulebase.dispositions}
    return [_row(rulebase, lifter, _facts(lifter, dispositions, bool(lifter.acked), today), acks.get(lifter.label),
                 today) for lifter in lifters], total


KEY = ("latest_disposition", "pain_change", "findings", "next_checkin", "no_improvement_by", "acked")
WINDOW_QUERIES = 4  # a page spanning more groups than this reads the lifters in one query instead


def _states(clinic_id: int):
    acked = Lifter.acknowledged_sha256 == Lifter.latest_sha256  # NULL (never acknowledged) is not 1
    return (select(Lifter.label, Lifter.latest_disposition, Lifter.pain_change,
                   cast(Lifter.latest_findings, Text).label("findings"), Lifter.latest_findings,
                   Lifter.next_checkin, Lifter.no_improvement_by, Lifter.latest_date, Lifter.pains,
                   case((acked, 1), else_=0).label("acked"))
            .where(Lifter.clinic_id == clinic_id).subquery())


def _same(state, group) -> list:
    return [state.c[name].is_(None) if group[index] is None else state.c[name] == group[index]
            for index, name in enumerate(KEY)]


def _window(ranked: list, start: int, count: int) -> list:
    """(group, rows to skip in it, rows to take) for the rows start..start+count."""
    out, seen = [], 0
    for _, group in ranked:
        low, high = max(start - seen, 0), min(start + count - seen, group.lifters)
        if low < high:
            out.append((group, low, high - low))
        seen += group.lifters
        if seen >= start + count:
            break
    return out


def _group_key(rulebase, group, today: datetime.date) -> tuple:
    dispositions = {d.code: d for d in rulebase.dispositions}
    facts = _facts(group, dispositions, bool(group.acked), today)
    held = _held(rulebase, facts)
    level = rulebase.attention.levels[held[0]]
    rank = dispositions[group.latest_disposition].rank if group.latest_disposition in dispositions else -1
    return held[0], rank if level.order == "severity" else 0, _day(group.next_checkin) or FAR


def _held(rulebase, facts: dict) -> list:
    attention = rulebase.attention
    return attention.holding(absent_facts(facts)) or [len(attention.levels) - 1]


def _day(value):
    """A date column's value (SQLite through a GROUP BY may give it back as text)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _facts(lifter, dispositions: dict, acknowledged: bool, today: datetime.date) -> dict:
    disposition = dispositions.get(lifter.latest_disposition)
    next_checkin, no_improvement = _day(lifter.next_checkin), _day(lifter.no_improvement_by)
    findings = lifter.findings if isinstance(lifter.findings, list) else json.loads(lifter.findings or "[]")
    return {
        "latest_disposition": lifter.latest_disposition,
        # A disposition this rule base does not know (an older one's) is treated as a referral: triage up.
        "latest_refers": disposition.referral if disposition else True,
        "acknowledged": acknowledged,
        "pain_change": lifter.pain_change,
        "latest_findings": findings,
        "days_overdue": (today - next_checkin).days if next_checkin else None,
        "days_past_no_improvement": (today - no_improvement).days if no_improvement else None,
    }


def _row(rulebase, lifter, facts: dict, ack, today: datetime.date) -> Row:
    attention = rulebase.attention
    held = _held(rulebase, facts)
    last = len(attention.levels) - 1
    shown = [index for index in held if index != last] or [last]  # everyone-else only when nothing else holds
    known = absent_facts(facts)
    said = tuple((index, attention.levels[index].said(known)) for index in shown)
    disposition = next((d for d in rulebase.dispositions if d.code == lifter.latest_disposition), None)
    next_checkin = _day(lifter.next_checkin)
    first = attention.levels[held[0]].said(known)
    row = Row(lifter.label, lifter.latest_disposition, "", disposition.style if disposition else "danger",
              first.code, "", (), lifter.latest_date, next_checkin, ack,
              disposition.referral if disposition else True, tuple((day, pain) for day, pain in lifter.pains),
              tuple((index, text.code) for index, text in said), lifter.pain_change, _day(lifter.no_improvement_by),
              (today - next_checkin).days if next_checkin else None)
    with using(SOURCE):  # `clinic list` and its JSON say the reasons in English (a page says them again: row_words)
        words = row_words(rulebase, row)
    return replace(row, disposition_title=words.disposition_title, level_title=words.level_title,
                   reasons=words.reasons)


@dataclass(frozen=True)
class Words:
    level_title: str
    disposition_title: str
    reasons: tuple


def row_words(rulebase, row: Row, day=datetime.date.isoformat) -> Words:
    """What a row says, from `rulebase` (the English one, or its view in the language in use:
    rulebase.words.in_language) with every date said by `day`."""
    attention = rulebase.attention
    disposition = next((d for d in rulebase.dispositions if d.code == row.disposition), None)
    values = {
        "date": day(row.latest_date),
        "disposition": disposition.title if disposition else row.disposition,
        "pain_change": row.pain_change,
        "days_overdue": row.days_overdue if row.days_overdue is not None else "-",
        # Translators: what a reason says of the next check-in when none follows ("next check-in none").
        "next_checkin": day(row.next_checkin) if row.next_checkin else pgettext("next check-in", "none"),
        "no_improvement_by": day(row.no_improvement_by) if row.no_improvement_by else "-",
        "acknowledged_by": row.acknowledged[0] if row.acknowledged else "-",
        "acknowledged_on": day(row.acknowledged[1].date()) if row.acknowledged else "-",
    }
    texts = [_text(attention.levels[index], code) for index, code in row.said]
    return Words(texts[0].title if texts else "", values["disposition"],
                 tuple(reason_text(text.reason, values) for text in texts))


def _text(level, code: str):
    """The level, or what it says instead, that a row's code names."""
    return next((text for text in level.instead if text.code == code), level)


def _in_english(say) -> str:
    """What the audit log keeps: the catalogue message in English (its page says it again in its language)."""
    with using(SOURCE):
        return say()
