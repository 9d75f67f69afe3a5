"""The report as finished values: templates only loop and branch over what is built here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FindingView:
    code: str
    title: str
    explanation: str
    because: tuple  # of (question text, answer text)
    rule: str
    source: str


@dataclass(frozen=True)
class PlanView:
    code: str
    title: str
    text: str
    steps: tuple
    dose: str  # e.g. "2 sets of 10, building to 3 sets of 15"
    lifts: tuple
    after_clearance: bool


@dataclass(frozen=True)
class ReportView:
    disposition: str
    headline: str
    advice: str
    severity: int  # 0 is the most severe
    emergency_box: bool
    findings: tuple
    plan: tuple
    not_asked: tuple
    answers: tuple  # of (question text, answer text)
    rulebase_version: str
    rulebase_hash: str
    included_drafts: bool


def build_view(result, rulebase) -> ReportView:
    disposition = rulebase.disposition(result.disposition)
    return ReportView(
        disposition=disposition.code,
        headline=disposition.title,
        advice=disposition.advice,
        severity=disposition.rank,
        emergency_box=disposition.referral and disposition.rank <= 1,
        findings=tuple(_finding(f, rulebase) for f in result.findings),
        plan=tuple(_plan(p, rulebase) for p in result.plan),
        not_asked=tuple(rulebase.question(q).text for q in result.not_asked),
        answers=tuple((rulebase.question(q).text, answer_text(rulebase, q, v)) for q, v in result.answers.items()),
        rulebase_version=result.rulebase_version,
        rulebase_hash=result.rulebase_hash,
        included_drafts=result.included_drafts,
    )


def answer_text(rulebase, qid: str, value) -> str:
    question = rulebase.question(qid)
    if question.type == "bool":
        return "yes" if value else "no"
    labels = {choice.value: choice.label for choice in question.choices}
    if question.type == "choice":
        return labels.get(value, str(value))
    if question.type == "multi":
        return ", ".join(labels.get(v, str(v)) for v in value)
    return str(value)


def _finding(finding, rulebase) -> FindingView:
    definition = rulebase.finding(finding.code)
    because = tuple((rulebase.question(q).text, answer_text(rulebase, q, v)) for q, v in finding.because.items()
                    if q in rulebase.questions_by_id)
    return FindingView(finding.code, definition.title, definition.explanation, because, finding.rule, finding.source)


def _plan(item, rulebase) -> PlanView:
    definition = rulebase.plan_item(item.code)
    attributes = item.attributes
    return PlanView(item.code, definition.title, definition.text, definition.steps, dose_text(attributes),
                    tuple(attributes.get("lifts", ())), item.after_clearance)


def dose_text(attributes: dict) -> str:
    parts = []
    if "level" in attributes:
        parts.append(f"level: {attributes['level']}")
    if "sets" in attributes and "reps" in attributes:
        low = attributes.get("min_sets")
        sets = f"{low}-{attributes['sets']}" if low else str(attributes["sets"])
        dose = f"{sets} sets of {attributes['reps']}"
        if "progress_sets" in attributes:
            dose += f", building to {attributes['progress_sets']} sets of {attributes['progress_reps']}"
        parts.append(dose)
    elif "reps" in attributes:
        parts.append(f"about {attributes['reps']} repetitions per set")
    if "weeks_min" in attributes:
        parts.append(f"{attributes['sessions_per_week_min']}-{attributes['sessions_per_week_max']} sessions a week "
                     f"for {attributes['weeks_min']}-{attributes['weeks_max']} weeks")
    return "; ".join(parts)
