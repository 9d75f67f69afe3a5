"""What the clinic's pages show, prepared into frozen dataclasses: the templates only loop and branch."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

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
    return Sparkline(SPARK_WIDTH, SPARK_HEIGHT, " ".join(f"{x},{y}" for x, y in coords), coords[-1],
                     f"Pain out of 10 at each entry, oldest first: {words}")


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


def list_rows(rows) -> list[ListRow]:
    return [ListRow(row.label, row.level_title, row.refers, row.style, row.disposition_title, row.reasons,
                    sparkline(row.pains), row.next_checkin.isoformat() if row.next_checkin else "",
                    f"{row.acknowledged[0]}, {row.acknowledged[1]:%Y-%m-%d %H:%M}" if row.acknowledged else "")
            for row in rows]


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
    titles = {d.code: d for d in rulebase.dispositions}
    lifter = record.lifter
    latest = titles.get(lifter.latest_disposition)
    pain_answer = rulebase.checkin.roles.pain_answer if rulebase.checkin and rulebase.checkin.roles else ""
    entries = tuple(EntryRow(n, e["kind"], e["date"],
                             titles[e["result"]["disposition"]].title if e["result"]["disposition"] in titles
                             else e["result"]["disposition"], int(e["answers"].get(pain_answer) or 0))
                    for n, e in enumerate(record.entries, 1))
    ack = record.latest_acknowledged
    return LifterPage(lifter.label, f"{lifter.shared_at:%Y-%m-%d}", latest.title if latest else lifter.latest_disposition,
                      latest.referral if latest else True, latest.style if latest else "danger", lifter.latest_sha256,
                      f"{ack.author}, {ack.at:%Y-%m-%d %H:%M} UTC" if ack else "",
                      entries, tuple((n.author, f"{n.created_at:%Y-%m-%d %H:%M} UTC", n.text) for n in record.notes),
                      sparkline(lifter.pains))


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


def today() -> datetime.date:
    from spinewise.report.dates import report_day

    return report_day()
