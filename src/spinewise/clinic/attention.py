"""The list of lifters who need attention first, in the rule base's order (attention.yaml).

The lifter table keeps what the list needs of each latest entry, so the list is one query,
the rule base's levels evaluated once per distinct state (most lifters share a few), a sort
and the reasons written for the rows shown."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import select

from spinewise.clinic.db import require_current
from spinewise.clinic.models import Acknowledgement, Lifter
from spinewise.clinic.store import audit, session
from spinewise.rulebase.attention import absent_facts, reason_text

FAR = datetime.date.max


@dataclass(frozen=True)
class Row:
    label: str
    disposition: str
    disposition_title: str
    style: str
    level: str
    level_title: str
    reasons: tuple
    latest_date: datetime.date
    next_checkin: datetime.date | None
    acknowledged: tuple | None  # (by, at) when the latest entry's referral was acknowledged
    refers: bool
    pains: tuple  # of (date, pain)

    def to_json(self) -> dict:
        return {"lifter": self.label, "disposition": self.disposition, "attention": self.level,
                "reasons": list(self.reasons),
                "next_checkin": self.next_checkin.isoformat() if self.next_checkin else None,
                "acknowledged": {"by": self.acknowledged[0], "at": self.acknowledged[1].isoformat()}
                if self.acknowledged else None}


def attention_list(url: str | None, rulebase, today: datetime.date, clinic_id: int | None = None,
                   actor: str = "spinewise clinic list", start: int = 0, count: int | None = None):
    """(rows start..start+count of the list, the number of lifters); the view audited."""
    require_current(url)
    with session(url) as db, db.begin():
        if clinic_id is None:
            from spinewise.clinic.store import the_clinic

            clinic_id = the_clinic(db).id
        columns = (Lifter.label, Lifter.latest_disposition, Lifter.latest_sha256, Lifter.pain_change,
                   Lifter.latest_findings, Lifter.next_checkin, Lifter.no_improvement_by, Lifter.latest_date,
                   Lifter.pains)
        lifters = db.execute(select(*columns).where(Lifter.clinic_id == clinic_id)).all()
        acks = {row.label: (row.author, row.at) for row in db.execute(
            select(Lifter.label, Acknowledgement.author, Acknowledgement.at)
            .join(Acknowledgement, (Acknowledgement.lifter_id == Lifter.id)
                  & (Acknowledgement.entry_sha256 == Lifter.latest_sha256))
            .where(Lifter.clinic_id == clinic_id).order_by(Acknowledgement.id))}
        audit(db, actor, "view_list", f"{len(lifters)} lifters", clinic_id)
    ranked = _ranked(rulebase, lifters, acks, today)
    shown = ranked[start:start + count] if count is not None else ranked[start:]
    return [_row(rulebase, lifter, held, acks.get(lifter.label), today) for _, lifter, held in shown], len(ranked)


def _ranked(rulebase, lifters, acks: dict, today: datetime.date) -> list:
    attention = rulebase.attention
    dispositions = {d.code: d for d in rulebase.dispositions}
    memo: dict = {}
    keyed = []
    for lifter in lifters:
        facts = _facts(lifter, dispositions, lifter.label in acks, today)
        state = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in facts.items())
        held = memo.get(state)
        if held is None:
            held = memo[state] = attention.holding(absent_facts(facts)) or [len(attention.levels) - 1]
        level = attention.levels[held[0]]
        following = lifter.next_checkin or FAR
        if level.order == "severity":
            rank = dispositions[lifter.latest_disposition].rank if lifter.latest_disposition in dispositions else -1
            key = (held[0], rank, following, lifter.label)
        else:
            key = (held[0], 0, following, lifter.label)
        keyed.append((key, lifter, held))
    keyed.sort(key=lambda item: item[0])
    return keyed


def _facts(lifter, dispositions: dict, acknowledged: bool, today: datetime.date) -> dict:
    disposition = dispositions.get(lifter.latest_disposition)
    return {
        "latest_disposition": lifter.latest_disposition,
        # A disposition this rule base does not know (an older one's) is treated as a referral: triage up.
        "latest_refers": disposition.referral if disposition else True,
        "acknowledged": acknowledged,
        "pain_change": lifter.pain_change,
        "latest_findings": sorted(lifter.latest_findings),
        "days_overdue": (today - lifter.next_checkin).days if lifter.next_checkin else None,
        "days_past_no_improvement": (today - lifter.no_improvement_by).days if lifter.no_improvement_by else None,
    }


def _row(rulebase, lifter, held: list, ack, today: datetime.date) -> Row:
    attention = rulebase.attention
    disposition = next((d for d in rulebase.dispositions if d.code == lifter.latest_disposition), None)
    values = {
        "date": lifter.latest_date.isoformat(),
        "disposition": disposition.title if disposition else lifter.latest_disposition,
        "pain_change": lifter.pain_change,
        "days_overdue": (today - lifter.next_checkin).days if lifter.next_checkin else "-",
        "next_checkin": lifter.next_checkin.isoformat() if lifter.next_checkin else "none",
        "no_improvement_by": lifter.no_improvement_by.isoformat() if lifter.no_improvement_by else "-",
        "acknowledged_by": ack[0] if ack else "-",
        "acknowledged_on": ack[1].date().isoformat() if ack else "-",
    }
    last = len(attention.levels) - 1
    said = [index for index in held if index != last] or [last]  # everyone-else only when nothing else holds
    level = attention.levels[held[0]]
    return Row(lifter.label, lifter.latest_disposition, values["disposition"],
               disposition.style if disposition else "danger", level.code, level.title,
               tuple(reason_text(attention.levels[i].reason, values) for i in said), lifter.latest_date,
               lifter.next_checkin, ack, disposition.referral if disposition else True,
               tuple((day, pain) for day, pain in lifter.pains))
