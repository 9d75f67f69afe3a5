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
from spinewise.i18n import gettext as _
from spinewise.i18n import language, ngettext
from spinewise.report.dates import days_after, in_words, iso_in_words, short_day
from spinewise.report.model import dose_words
from spinewise.report.render import environment, render_report
from spinewise.rulebase.model import worded
from spinewise.rulebase.words import in_language

CHART = {"width": 320, "height": 130, "left": 28, "right": 18, "top": 10, "bottom": 24}


@dataclass(frozen=True)
class ChangeView:
    title: str  # the plan item's title
    said: str  # the change as one sentence: "Up to 3 sets of 15 reps, because every rep kept your back down."


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
    week: str  # the week in words: counted or not, and how many have counted (or the step of the load)
    pain_change: str
    changes: tuple  # of ChangeView
    chart: PainChart | None
    next_checkin: str  # the date, or "" when no check-in follows this advice
    command: str  # how to check in on a terminal; "" on the web, where the journal is uploaded again
    no_improvement: str = ""  # the date by which no improvement means a practitioner, in words, or ""
    moved: bool = False  # the week did not count, so that date moved a week later
    pain_now: int = 0  # this week's worst pain


def _week(record, on_program: bool, plan) -> str:
    weeks = record["weeks_counted"]
    if not on_program:  # on the way back to load, program weeks no longer count
        step = next((item.attributes.get("step") for item in plan if item.attributes.get("step") is not None), None)
        done = ngettext("The corrective program is behind you (%(count)s week of it counted).",
                        "The corrective program is behind you (%(count)s weeks of it counted).", weeks) % {"count": weeks}
        if step is None:
            return done
        return done + " " + _("You are at step %(step)s of bringing load back.") % {"step": step}
    if record["week_counted"]:
        return ngettext("This week counted toward the program: %(count)s week has counted so far.",
                        "This week counted toward the program: %(count)s weeks have counted so far.", weeks) % {"count": weeks}
    return ngettext("This week did not count toward the program: %(count)s week has counted so far.",
                    "This week did not count toward the program: %(count)s weeks have counted so far.",
                    weeks) % {"count": weeks}


def _pain_change(change: int) -> str:
    if change == 0:
        return _("Your worst pain is the same as when you started.")
    points = abs(change)
    if change > 0:
        return ngettext("Your worst pain is %(count)s point higher than when you started (0 to 10 scale).",
                        "Your worst pain is %(count)s points higher than when you started (0 to 10 scale).",
                        points) % {"count": points}
    return ngettext("Your worst pain is %(count)s point lower than when you started (0 to 10 scale).",
                    "Your worst pain is %(count)s points lower than when you started (0 to 10 scale).",
                    points) % {"count": points}


def checkin_view(outcome, journal, view, web: bool = False) -> CheckinView:
    view = in_language(view)
    roles = view.checkin.roles
    record = outcome.result.checkin
    day = parse_date(record["date"])
    # The journal ends with this check-in; the entry before it says which phase the week was in.
    previous = journal.entries[-2]["result"]["disposition"] if len(journal.entries) > 1 else ""
    rules = {rule.id: rule for rule in view.rules}
    # Under a referral the doses wait for the practitioner's clearance: no dose "stays" or "goes up" this week.
    referred = view.disposition(outcome.result.disposition).referral
    changes = () if referred else tuple(_change(change, outcome.result, view, rules) for change in outcome.changes
                                        if any(item.code == change.code for item in outcome.result.plan))
    pain_now = outcome.result.answers.get(roles.pain_answer, 0) if roles.pain_answer else 0
    return CheckinView(
        date=in_words(day), first=False,
        week=_week(record, previous == view.roles.program_disposition, outcome.result.plan),
        pain_change=_pain_change(record["pain_change"]), changes=changes,
        chart=pain_chart(journal, roles),
        next_checkin=iso_in_words(record["next_checkin"]) if record.get("next_checkin") else "",
        command="" if web else f"spinewise checkin --journal {journal.path}",
        no_improvement=iso_in_words(record["no_improvement_by"]) if record.get("no_improvement_by") else "",
        moved=bool(record.get("no_improvement_by")) and not record["week_counted"],
        pain_now=pain_now if isinstance(pain_now, int) else 0,
    )


def first_entry_view(journal, rulebase, disposition: str, day: datetime.date) -> CheckinView | None:
    """What the first report of a journal says about the weekly check-in, when one follows."""
    if rulebase.checkin is None or rulebase.checkin.roles is None:
        return None
    roles = rulebase.checkin.roles
    if disposition not in roles.follows:
        return None
    return CheckinView(date=in_words(day), first=True, week="", pain_change="", changes=(), chart=None,
                       next_checkin=days_after(day, roles.every_days),
                       command=f"spinewise checkin --journal {journal.path}")


CHANGES = {  # the change of a dose as one sentence, when the rule that made it tells no reason
    "start": lambda: _("Starts at %(dose)s."),
    "up": lambda: _("Up to %(dose)s."),
    "hold": lambda: _("Stays at %(dose)s."),
    "down": lambda: _("Back to %(dose)s."),
}


def _change(change, result, view, rules) -> ChangeView:
    """The change of a dose or step in one sentence: the one the rule that made it tells the lifter
    (its own reason, in the catalogue), else the change alone."""
    item = next(item for item in result.plan if item.code == change.code)
    rule = rules.get(change.rule_id)
    dose = dose_words(item.attributes, view)
    if rule is not None and rule.tells:
        said = rule.tells.replace("{dose}", dose)
    else:
        said = CHANGES.get(item.attributes.get("change"), CHANGES["hold"])() % {"dose": dose}
    return ChangeView(view.plan_item(change.code).title, said)


def pain_series(journal, roles) -> list:
    """(date, worst pain) of every entry of the program under way (0 where no pain was reported)."""
    series = []
    for entry in journal.run():
        pain = entry["answers"].get(roles.pain_answer, 0)
        series.append((entry["date"], int(pain) if isinstance(pain, int) else 0))
    return series


def _short_day(date: str) -> str:
    return short_day(parse_date(date))


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
    # Each entry of the row is one unbreakable group ("23 Nov: 2", joined by no-break spaces): a line
    # never ends between a day, its month and its pain.
    row = ", ".join((_("%(day)s: %(pain)s") % {"day": point.label, "pain": point.pain}).replace(" ", "\u00a0")
                    for point in points)
    alternative = _("Worst pain (0 to 10) at each entry: %(entries)s.") % {
        "entries": "; ".join((_("%(day)s: %(pain)s") % {"day": point.label, "pain": point.pain}).replace(" ", "\u00a0")
                             for point in points)}
    return PainChart(points, row, alternative, " ".join(f"{p.x},{p.y}" for p in points), c["width"], c["height"],
                     tuple((value, round(c["top"] + span_y * (10 - value) / 10, 1)) for value in (0, 5, 10)))


def render_checkin_report(outcome, journal, view, fmt: str, *, width: int = 80, colour: bool = False,
                          web: bool = False) -> str:
    day = parse_date(outcome.result.checkin["date"])
    return render_report(outcome.result, view, fmt, width=width, colour=colour, today=day,
                         checkin=checkin_view(outcome, journal, view, web))


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
    translation_notice: str = ""  # as on every report: the language's catalogues are not signed off yet


def journal_view(journal, rulebase) -> JournalView:
    rulebase = in_language(rulebase)
    roles = rulebase.checkin.roles if rulebase.checkin else None
    entries, said = [], None
    for entry in journal.entries:
        result = entry["result"]
        pain = entry["answers"].get(roles.pain_answer, 0) if roles else 0
        checkin = result.get("checkin") or {}
        doses = tuple(_("%(exercise)s: %(dose)s") % {"exercise": _title(rulebase, item['code']), "dose": dose_words(item, rulebase)}
                      for item in result["plan"]
                      if item.get("change") and (item.get("sets") is not None or item.get("step") is not None))
        entries.append(EntryView(
            date=iso_in_words(entry["date"]), kind=_("First assessment") if entry["kind"] == "assessment" else _("Check-in"),
            outcome=_outcome(rulebase, result["disposition"]), pain=pain if isinstance(pain, int) else 0,
            weeks="" if checkin.get("weeks_counted") in (None, said) else str(checkin["weeks_counted"]), doses=doses,
            findings=tuple(dict.fromkeys(_finding_title(rulebase, f["code"], entry["answers"], _facts(result))
                                         for f in result.get("findings", []))),
        ))
        said = checkin.get("weeks_counted", said)
    from spinewise.report.model import translation_notice

    return JournalView(str(journal.path or ""), tuple(entries), pain_chart(journal, roles) if roles else None,
                       translation_notice(rulebase))


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


def _facts(result: dict) -> frozenset:
    """The conclusions of a stored result, as the rule base's `instead` conditions read them."""
    return frozenset([("finding", f["code"]) for f in result.get("findings", [])]
                     + [("plan", p["code"]) for p in result.get("plan", [])])


def _finding_title(rulebase, code: str, answers: dict, facts: frozenset) -> str:
    """A finding's title as that entry's lifter read it (its `instead` title when one held)."""
    try:
        return worded(rulebase.finding(code), "title", answers, facts)
    except KeyError:
        return code.replace("_", " ")


JOURNAL_TEMPLATES = {"text": "journal.txt.j2", "markdown": "journal.md.j2", "html": "journal.html.j2"}


def render_journal(journal, rulebase, fmt: str, width: int = 80, heading: str | None = None) -> str:
    """The journal's history; `heading` replaces "Your journal" where someone else reads it (the clinic)."""
    from spinewise.report.render import MIN_WIDTH

    return environment().get_template(JOURNAL_TEMPLATES[fmt]).render(journal=journal_view(journal, rulebase),
                                                                     width=max(width, MIN_WIDTH), colour=False, fmt=fmt,
                                                                     heading=heading)
