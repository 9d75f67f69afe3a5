"""The report as finished values: templates only loop and branch over what is built here.

Every text comes from the rule base (dispositions, findings, plan items, questions and
rules); this module only picks, orders and formats it for one Result.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinewise.report.dates import report_date


@dataclass(frozen=True)
class AnswerView:
    question: str
    answer: str
    section: str = ""


@dataclass(frozen=True)
class FindingView:
    code: str
    title: str
    explanation: str
    because: tuple  # of AnswerView: "because you said <answer> to <question>"
    rule: str
    rule_title: str
    source: str
    decided: bool  # its rule asked for the reported disposition
    alarming: bool  # its rule asked for a referral (a red flag, or stop and see someone)


@dataclass(frozen=True)
class PlanView:
    code: str
    title: str
    text: str
    steps: tuple
    doses: tuple  # of short sentences: "2-3 sets of 10 reps"
    level: str  # e.g. "advanced", with level_note saying what it means
    level_note: str
    lifts: tuple
    source: str


@dataclass(frozen=True)
class AlertView:
    """The box that repeats the referral advice and the answers that called for it."""

    style: str  # the disposition's presentation style
    repeated: bool  # shown again after the plan
    title: str
    advice: str
    reasons: tuple  # of FindingView: every finding that asked for a referral, not only the deciding one


@dataclass(frozen=True)
class TrackerView:
    exercises: tuple  # of (title, dose)
    sessions: tuple  # of (week, session in that week)
    weeks: int
    sessions_per_week: int


@dataclass(frozen=True)
class Severity:
    level: int  # 1 for the mildest disposition, scale for the most severe
    scale: int

    @property
    def marks(self) -> tuple:
        """One bool per step of the scale, True when filled (for a printed gauge)."""
        return tuple(step < self.level for step in range(self.scale))


@dataclass(frozen=True)
class ReportView:
    disposition: str
    style: str  # the disposition's presentation style, for colours
    headline: str
    advice: str
    severity: Severity
    referral: bool
    alert: AlertView | None
    findings: tuple  # of FindingView
    plan_now: tuple  # of PlanView
    plan_after_clearance: tuple  # of PlanView, shown only as "once a practitioner has cleared you"
    tracker: TrackerView | None
    not_asked: tuple  # of question texts
    answers: tuple  # of AnswerView, in question order
    date: str
    rulebase_name: str
    rulebase_version: str
    rulebase_hash: str
    included_drafts: bool
    draft_rules_fired: tuple  # of rule ids


def build_view(result, rulebase, today=None) -> ReportView:
    disposition = rulebase.disposition(result.disposition)
    rules = {rule.id: rule for rule in rulebase.rules}
    findings = tuple(_finding(f, rulebase, rules, result.disposition) for f in result.findings)
    plan = tuple(_plan(p, rulebase, rules, result.rules_fired) for p in result.plan)
    after = {p.code for p in result.plan if p.after_clearance}
    return ReportView(
        disposition=disposition.code,
        style=disposition.style,
        headline=disposition.title,
        advice=disposition.advice.strip(),
        severity=Severity(len(rulebase.dispositions) - disposition.rank, len(rulebase.dispositions)),
        referral=disposition.referral,
        alert=_alert(disposition, findings),
        findings=findings,
        plan_now=tuple(p for p in plan if p.code not in after),
        plan_after_clearance=tuple(p for p in plan if p.code in after),
        tracker=_tracker(rulebase.roles, disposition.code, result.plan, plan),
        not_asked=tuple(rulebase.question(q).text for q in result.not_asked),
        answers=tuple(_answer(rulebase, q.id, result.answers[q.id]) for q in rulebase.questions
                      if q.id in result.answers),
        date=report_date(today),
        rulebase_name=rulebase.name,
        rulebase_version=result.rulebase_version,
        rulebase_hash=result.rulebase_hash,
        included_drafts=result.included_drafts,
        draft_rules_fired=tuple(r for r in result.rules_fired if r in rules and rules[r].status == "draft"),
    )


def _answer(rulebase, qid: str, value) -> AnswerView:
    question = rulebase.question(qid)
    return AnswerView(question.text, question.answer_text(value), question.section)


def _finding(finding, rulebase, rules, disposition) -> FindingView:
    definition = rulebase.finding(finding.code)
    rule = rules.get(finding.rule)
    because = tuple(_answer(rulebase, q, v) for q, v in finding.because.items() if q in rulebase.questions_by_id)
    return FindingView(
        code=finding.code,
        title=definition.title,
        explanation=definition.explanation.strip(),
        because=because,
        rule=finding.rule,
        rule_title=rule.title if rule else "",
        source=finding.source or (rule.source if rule else ""),
        decided=bool(rule and rule.disposition == disposition),
        alarming=bool(rule and rule.disposition and rulebase.disposition(rule.disposition).referral),
    )


def _alert(disposition, findings) -> AlertView | None:
    if disposition.alert == "none":
        return None
    reasons = tuple(f for f in findings if f.alarming)
    return AlertView(disposition.style, disposition.alert == "top_and_end", disposition.title,
                     disposition.advice.strip(), reasons)


def _plan(item, rulebase, rules, fired) -> PlanView:
    definition = rulebase.plan_item(item.code)
    attributes = item.attributes
    level = str(attributes.get("level", ""))
    return PlanView(
        code=item.code,
        title=definition.title,
        text=definition.text.strip(),
        steps=definition.steps,
        doses=doses(attributes),
        level=level,
        level_note=_level_note(item.code, level, rules, fired) if level else "",
        lifts=tuple(attributes.get("lifts", ())),
        source=definition.source,
    )


def _level_note(code: str, level: str, rules, fired) -> str:
    """What a level means, in the words of the fired rule that chose it."""
    for rule_id in fired:
        rule = rules.get(rule_id)
        if rule and any(entry.code == code and entry.attributes.get("level") == level for entry in rule.plan):
            return rule.rationale.strip()
    return ""


def doses(attributes: dict) -> tuple:
    """The dose attributes of a plan item as short sentences, most important first."""
    parts = []
    if "sets" in attributes and "reps" in attributes:
        low = attributes.get("min_sets")
        sets = f"{low}-{attributes['sets']}" if low and low != attributes["sets"] else str(attributes["sets"])
        dose = f"{sets} sets of {attributes['reps']} reps"
        if "progress_sets" in attributes and "progress_reps" in attributes:
            dose = f"Start with {dose}; build up to {attributes['progress_sets']} sets of {attributes['progress_reps']}"
        parts.append(dose)
    elif "reps" in attributes:
        parts.append(f"About {attributes['reps']} reps per set")
    if "weeks_min" in attributes:
        parts.append(f"{_span(attributes, 'sessions_per_week')} sessions a week for {_span(attributes, 'weeks')} weeks")
    return tuple(parts)


def _span(attributes: dict, name: str) -> str:
    low, high = attributes.get(f"{name}_min"), attributes.get(f"{name}_max")
    return str(high) if low in (None, high) else f"{low}-{high}"


def _tracker(roles, disposition: str, planned, plan) -> TrackerView | None:
    """One row per planned session of the corrective program (at its longest), to print and fill in."""
    schedule = next((p.attributes for p in planned if p.code == roles.schedule_item), None)
    if disposition != roles.program_disposition or schedule is None:
        return None
    weeks = int(schedule.get("weeks_max") or schedule.get("weeks_min") or roles.tracker_weeks)
    per_week = int(schedule.get("sessions_per_week_max") or schedule.get("sessions_per_week_min")
                   or roles.tracker_sessions_per_week)
    exercises = tuple((p.title, "; ".join(p.doses)) for p in plan if p.code in roles.program_exercises)
    sessions = tuple((week, session) for week in range(1, weeks + 1) for session in range(1, per_week + 1))
    return TrackerView(exercises, sessions, weeks, per_week)
