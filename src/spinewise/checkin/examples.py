"""Check-in rule examples: the check-in baseline (checkin.yaml `example_baseline`, which also
stands for the journal's history values) changed where an example says, checked and run as
a check-in would be. `rules check` and `rules test` run them beside the assessment examples."""

from __future__ import annotations

from dataclasses import dataclass

from spinewise.answers import check_answers
from spinewise.checkin.derive import week_values
from spinewise.checkin.run import resolved_plan


@dataclass(frozen=True)
class ExampleRun:
    rule: object
    example: object
    number: int
    given: dict
    problem: str  # invalid answers, in words, or ""
    result: object  # Result, or None when the answers are invalid


def run_checkin_examples(triage) -> list:
    """One ExampleRun per example of every rule that runs only at check-ins (approved, or draft when
    included); a rule that runs at the first assessment too has examples of first assessments."""
    view = triage.rulebase
    runs = []
    for rule in view.rules:
        if "assessment" in rule.at or rule.status == "retired" or (rule.status == "draft" and not triage.include_draft):
            continue
        for number, example in enumerate(rule.examples, start=1):
            runs.append(_run(triage, view, rule, example, number))
    return runs


def _run(triage, view, rule, example, number) -> ExampleRun:
    merged = {key: value for key, value in {**view.baseline, **example.given}.items() if value is not None}
    given = dict(example.given)
    wrong = _value_problems(view, merged)
    if wrong:
        return ExampleRun(rule, example, number, given, wrong, None)
    asked_ids = {question.id for question in view.checkin.questions}
    history = {key: value for key, value in merged.items() if key not in asked_ids}
    answers = {}
    for question in view.checkin.questions:
        if question.id in merged and (question.id in example.given or question.is_asked({**history, **merged})):
            answers[question.id] = merged[question.id]
    check = check_answers(view, answers, context=history)
    problems = list(check.problems)
    values = week_values(view.checkin, {**history, **check.valid}, everything=True)
    result = triage.conclude(values)
    if check.missing and result.disposition != view.roles.stop_disposition:
        problems.append(f"no answer to {check.missing[0]}, which would be asked")
    if problems:
        return ExampleRun(rule, example, number, given, "; ".join(problems), None)
    return ExampleRun(rule, example, number, given, "", _with_plan(result, values))


def _value_problems(view, values: dict) -> str:
    """Unknown ids and values of the wrong kind among the baseline and an example's answers, in words."""
    from spinewise.answers import _value_problem

    problems = []
    for key, value in values.items():
        try:
            question = view.question(key)
        except KeyError:
            problems.append(f"{key!r} is neither a check-in question nor a derived value")
            continue
        problem = _value_problem(question, value)
        if problem:
            problems.append(f"{key}: {problem}")
    return "; ".join(problems)


def _with_plan(result, values):
    import dataclasses

    return dataclasses.replace(result, plan=resolved_plan(result.plan, values))
