"""The check-in report and the journal's history as finished values for the templates.

A check-in report is the usual report (report.*.j2, given the check-in view of the rule
base) with a check-in part before the reasons: the week and whether it counted, what
changed in the plan since last week and why, the pain of every entry as a chart, and the
next check-in date. Like model.py, it never names a rule-base code: it reads the roles.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from spinewise.journal import parse_date
from spinewise.report.dates import days_after, in_words
from spinewise.report.model import because_sentences
from spinewise.report.render import environment, render_report

CHANGE_WORDS = {"start": "starts at", "up": "up to", "hold": "stays at", "down": "back to"}
CHART = {"width": 320, "height": 130, "left": 28, "right": 18, "top": 10, "bottom": 24}


@dataclass(frozen=True)
class ChangeView:
    title: str  # the plan item's title
    dose: str  # "3 sets of 15 (advanced level)", "step 2"
    change: str  # "up to", "stays at", ...
    because: tuple  # of sentences


@dataclass(frozen=True)
class PainPoint:
    date: str
    pain: int
    x: float
    y: float
    label: str = ""  # the day, short and in words: "2 Nov"


@dataclass(frozen=True)
class PainChart:
    points: tuple  # of PainPoint, oldest first
    row: str  # the short text row: "11-02 5, 11-09 4, ..."
    alternative: str  # the chart in words, for screen readers
    polyline: str  # SVG points
    width: int
    height: int
    ticks: tuple  # of (pain value, y)


@dataclass(frozen=True)
class CheckinView:
    date: str
    first: bool  # the first entry of a journal (an assessment): says only when to check in
    week: str  # the week in words: counted or not, and how many have counted
    pain_change: str
    changes: tuple  # of ChangeView
    chart: PainChart | None
    next_checkin: str  # the date, or "" when no check-in follows this advice
    command: str  # how to check in


def _weeks(count: int) -> str:
    return f"{count} week{'' if count == 1 else 's'} of the program {'has' if count == 1 else 'have'} counted"


def checkin_view(outcome, journal, view) -> CheckinView:
    roles = view.checkin.roles
    record = outcome.result.checkin
    day = parse_date(record["date"])
    weeks = record["weeks_counted"]
    # The journal ends with this check-in; the entry before it says which phase the week was in.
    previous = journal.entries[-2]["result"]["disposition"] if len(journal.entries) > 1 else ""
    if previous != view.roles.program_disposition:  # on the way back to load, program weeks no longer count
        week = f"The program is behind you: {_weeks(weeks)} of it counted."
    elif record["week_counted"]:
        week = f"This week counted toward the program: {_weeks(weeks)} so far."
    else:
        week = f"This week did not count toward the program: {_weeks(weeks)} so far."
    change = record["pain_change"]
    pain_change = ("Your worst pain is the same as when you started." if change == 0 else
                   f"Your worst pain is {abs(change)} point{'s' if abs(change) != 1 else ''} "
                   f"{'higher' if change > 0 else 'lower'} than when you started (0 to 10 scale).")
    rules = {rule.id: rule for rule in view.rules}
    changes = tuple(_change(change, outcome.result, view, rules) for change in outcome.changes
                    if any(item.code == change.code for item in outcome.result.plan))
    follows = outcome.result.disposition in roles.follows
    return CheckinView(
        date=in_words(day), first=False, week=week, pain_change=pain_change, changes=changes,
        chart=pain_chart(journal, roles),
        next_checkin=days_after(day, roles.every_days) if follows else "",
        command=f"spinewise checkin --journal {journal.path}",
    )


def first_entry_view(journal, rulebase, disposition: str, day: datetime.date) -> CheckinView | None:
    """What the first report of a journal says about the weekly check-in, when one follows."""
    if rulebase.checkin is None or rulebase.checkin.roles is None:
        return None
    roles = rulebase.checkin.roles
    if disposition not in roles.follows:
        return None
    return CheckinView(date=day.isoformat(), first=True, week="", pain_change="", changes=(), chart=None,
                       next_checkin=days_after(day, roles.every_days),
                       command=f"spinewise checkin --journal {journal.path}")


def _change(change, result, view, rules) -> ChangeView:
    item = next(item for item in result.plan if item.code == change.code)
    rule = rules.get(change.rule_id)
    # The reasons a lifter recognises: this week's answers and what the week made of them, not the history.
    week = {d.question.id for d in view.checkin.derived if d.stage == "week"}
    because = {qid: value for qid, value in change.because.items()
               if (qid in result.answers or qid in week) and (rule is None or qid in rule.questions)}
    sentences = because_sentences(rule, because, view)
    return ChangeView(view.plan_item(change.code).title, _dose(item.attributes),
                      CHANGE_WORDS.get(item.attributes.get("change"), item.attributes.get("change", "")),
                      tuple(dict.fromkeys(sentences)))


def _dose(attributes: dict) -> str:
    if attributes.get("step") is not None and attributes.get("sets") is None:
        return f"step {attributes['step']}"
    dose = f"{attributes.get('sets')} sets of {attributes.get('reps')}"
    return dose + (f" ({attributes['level']} level)" if attributes.get("level") else "")


def pain_series(journal, roles) -> list:
    """(date, worst pain) of every entry of the program under way (0 where no pain was reported)."""
    series = []
    for entry in journal.run():
        pain = entry["answers"].get(roles.pain_answer, 0)
        series.append((entry["date"], int(pain) if isinstance(pain, int) else 0))
    return series


def _short_day(date: str) -> str:
    day = parse_date(date)
    return f"{day.day} {day.strftime('%b')}"


def pain_chart(journal, roles) -> PainChart | None:
    series = pain_series(journal, roles)
    if not series:
        return None
    c = CHART
    span_x = c["width"] - c["left"] - c["right"]
    span_y = c["height"] - c["top"] - c["bottom"]
    step = span_x / max(len(series) - 1, 1)
    points = tuple(PainPoint(date, pain, round(c["left"] + index * step, 1), round(c["top"] + span_y * (10 - pain) / 10, 1),
                             _short_day(date)) for index, (date, pain) in enumerate(series))
    row = ", ".join(f"{point.label} {point.pain}" for point in points)
    alternative = ("Worst pain (0 to 10) at each entry: " +
                   "; ".join(f"{point.label}: {point.pain}" for point in points) + ".")
    return PainChart(points, row, alternative, " ".join(f"{p.x},{p.y}" for p in points), c["width"], c["height"],
                     tuple((value, round(c["top"] + span_y * (10 - value) / 10, 1)) for value in (0, 5, 10)))


def render_checkin_report(outcome, journal, view, fmt: str, *, width: int = 80, colour: bool = False) -> str:
    day = parse_date(outcome.result.checkin["date"])
    return render_report(outcome.result, view, fmt, width=width, colour=colour, today=day,
                         checkin=checkin_view(outcome, journal, view))


# -- the journal's history -------------------------------------------------------------------

@dataclass(frozen=True)
class EntryView:
    date: str
    kind: str  # "First assessment", "Check-in"
    outcome: str  # the disposition's title
    pain: int
    weeks: str
    doses: tuple  # of "Dead bug: 3 sets of 15 (advanced level)"
    findings: tuple  # of finding titles


@dataclass(frozen=True)
class JournalView:
    path: str
    entries: tuple  # of EntryView
    chart: PainChart | None


def journal_view(journal, rulebase) -> JournalView:
    roles = rulebase.checkin.roles if rulebase.checkin else None
    entries = []
    for entry in journal.entries:
        result = entry["result"]
        pain = entry["answers"].get(roles.pain_answer, 0) if roles else 0
        checkin = result.get("checkin") or {}
        doses = tuple(f"{_title(rulebase, item['code'])}: {_dose(item)}" for item in result["plan"]
                      if item.get("change") and (item.get("sets") is not None or item.get("step") is not None))
        entries.append(EntryView(
            date=entry["date"], kind="First assessment" if entry["kind"] == "assessment" else "Check-in",
            outcome=_outcome(rulebase, result["disposition"]), pain=pain if isinstance(pain, int) else 0,
            weeks=str(checkin.get("weeks_counted", "")), doses=doses,
            findings=tuple(_finding_title(rulebase, f["code"]) for f in result.get("findings", [])),
        ))
    return JournalView(str(journal.path), tuple(entries), pain_chart(journal, roles) if roles else None)


def _title(rulebase, code: str) -> str:
    try:
        return rulebase.plan_item(code).title
    except KeyError:  # an entry written by an earlier rule base
        return code.replace("_", " ")


def _outcome(rulebase, code: str) -> str:
    try:
        return rulebase.disposition(code).title
    except KeyError:
        return code.replace("_", " ")


def _finding_title(rulebase, code: str) -> str:
    try:
        return rulebase.finding(code).title
    except KeyError:
        return code.replace("_", " ")


JOURNAL_TEMPLATES = {"text": "journal.txt.j2", "markdown": "journal.md.j2", "html": "journal.html.j2"}


def render_journal(journal, rulebase, fmt: str) -> str:
    return environment().get_template(JOURNAL_TEMPLATES[fmt]).render(journal=journal_view(journal, rulebase),
                                                                     width=80, colour=False, fmt=fmt)
