"""One weekly check-in: refuse it when the journal does not allow one, check the answers,
derive the values the rule base declares, run the check-in rules, and build the entry.

Python carries the journal in and the result out: whether the week counts, every dose and
step, and the disposition are the rules' (70-checkin.yaml and the rules marked `at: checkin`).
"""

from __future__ import annotations

import datetime

import dataclasses
from dataclasses import dataclass

from spinewise.answers import check_answers
from spinewise.checkin.derive import history_values, week_values
from spinewise.errors import AnswersError, SpinewiseError
from spinewise.i18n import day_in_words
from spinewise.i18n import gettext as _
from spinewise.journal import JournalError, new_entry, parse_date
from spinewise.rulebase.model import ValueOf
from spinewise.rulebase.words import in_language


@dataclass(frozen=True)
class Change:
    """What changed in one plan item since last week, and the rule and answers that changed it."""

    code: str
    change: str  # start, up, hold or down
    rule: str  # the rule's title
    rule_id: str
    because: dict


@dataclass(frozen=True)
class CheckinOutcome:
    result: object  # Result, with `checkin` set
    entry: dict  # the journal entry to append
    changes: tuple  # of Change
    values: dict  # answers, history and week values the rules saw


def refusal(rulebase, journal, day) -> str | None:
    """Why the journal allows no check-in on `day` (and what to run instead), or None."""
    roles = rulebase.checkin.roles
    last = journal.last
    start = f"`spinewise assess --journal {journal.path}`"
    if last is None:
        return _("the journal %(file)s holds no assessment yet, so there is nothing to check in against; "
                 "start it with %(command)s") % {"file": journal.path, "command": start}
    disposition = last["result"]["disposition"]
    last_day = day_in_words(parse_date(last["date"]))
    if disposition not in roles.follows:
        known = _known(rulebase, disposition)
        title = in_language(rulebase).disposition(disposition).title if known else disposition
        if not known or rulebase.disposition(disposition).referral:
            said = _("no check-in follows the last entry (%(date)s: \u201c%(advice)s\u201d): weekly check-ins are for "
                     "the corrective program and the return to load; follow that advice, and once a practitioner has "
                     "cleared you to train start again with %(command)s")
        else:
            said = _("no check-in follows the last entry (%(date)s: \u201c%(advice)s\u201d): weekly check-ins are for "
                     "the corrective program and the return to load; nothing needs a weekly check-in now; if your back "
                     "bothers you again, answer the questions again with %(command)s")
        return said % {"date": last_day, "advice": title, "command": start}
    if day < parse_date(last["date"]):
        return _("the check-in date %(date)s is before the last entry in the journal (%(last)s); give --date "
                 "%(iso)s or later") % {"date": day_in_words(day), "last": last_day, "iso": last["date"]}
    return None


def _known(rulebase, code: str) -> bool:
    return any(d.code == code for d in rulebase.dispositions)


def run_checkin(triage, journal, answers: dict, day) -> CheckinOutcome:
    """The check-in's result and journal entry; raises JournalError (refused) or AnswersError (bad answers)."""
    view = triage.rulebase
    checkin = view.checkin
    why_not = refusal(view, journal, day)
    if why_not:
        raise JournalError(why_not)
    history = history_values(checkin, journal, day)
    asked_ids = {question.id for question in checkin.questions}
    unknown = [qid for qid in answers if qid not in asked_ids]
    given = {qid: value for qid, value in answers.items() if qid in asked_ids}
    check = check_answers(view, given, context=history)
    if unknown:
        check.problems.insert(0, f"unknown question id{'s' if len(unknown) > 1 else ''} "
                                 f"{', '.join(repr(q) for q in unknown)} (check-in ids: {', '.join(asked_ids_in_order(view))})")
    values = week_values(checkin, {**history, **check.valid})
    result = triage.conclude(values, not_asked=check.missing)
    check.raise_problems(missing_allowed=result.disposition == view.roles.stop_disposition)
    changes = _changes(triage, values)
    roles = checkin.roles
    record = {"date": day.isoformat(), "week_counted": bool(values.get(roles.week_counted, False)),
              "weeks_counted": values.get(roles.weeks_counted, 0), "pain_change": values.get(roles.pain_change, 0)}
    record.update(_dates(view, result.disposition, day, record["weeks_counted"]))
    result = dataclasses.replace(result, plan=resolved_plan(result.plan, values), answers=dict(check.valid),
                                 checkin=record)
    derived = {key: value for key, value in values.items() if key not in check.valid}
    entry = new_entry("checkin", day, dict(check.valid), result.to_json(), derived=derived)
    return CheckinOutcome(result, entry, changes, values)


def _dates(view, disposition: str, day, weeks_counted: int) -> dict:
    """`no_improvement_by`: the latest entry's date plus the counted weeks still missing (so it moves
    only when a week does not count), on the corrective program only; `next_checkin` when one follows."""
    dates = {}
    if disposition == view.roles.program_disposition:
        missing = max(view.roles.no_improvement_weeks - int(weeks_counted or 0), 0)
        dates["no_improvement_by"] = (day + datetime.timedelta(weeks=missing)).isoformat()
    if disposition in view.checkin.roles.follows:
        dates["next_checkin"] = (day + datetime.timedelta(days=view.checkin.roles.every_days)).isoformat()
    return dates


def asked_ids_in_order(view) -> list:
    return [question.id for question in view.checkin.questions]


def resolved_plan(plan: tuple, values: dict) -> tuple:
    """Plan attributes written `{value_of: name}` take this check-in's value of `name`."""
    resolved = []
    for item in plan:
        attributes = {key: values.get(value.name) if isinstance(value, ValueOf) else value
                      for key, value in item.attributes.items()}
        resolved.append(dataclasses.replace(item, attributes=attributes))
    return tuple(resolved)


def _changes(triage, values: dict) -> tuple:
    """The rules that set a plan item's `change`, with the answers they fired on."""
    changes = []
    for rule, because in triage.fire(values):
        for entry in rule.plan:
            if "change" in entry.attributes:
                changes.append(Change(entry.code, entry.attributes["change"], rule.title, rule.id, dict(because)))
    return tuple(changes)


def require_checkin_answers(answers) -> dict:
    if not isinstance(answers, dict):
        raise AnswersError("check-in answers must be a JSON object of question id to answer")
    return answers


__all__ = ["CheckinOutcome", "Change", "SpinewiseError", "refusal", "run_checkin"]
