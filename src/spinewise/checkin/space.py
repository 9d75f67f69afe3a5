"""Check-ins drawn over every journal state, for checking what the rule base guarantees at
check-ins: the history values over the ranges the rules tell apart, the answers over every
value, each check-in run exactly as `spinewise checkin` runs it.

A sample, not a proof: the derived values tie the answers to the history, which the static
analysis of first assessments (review/analysis) does not model. The draws are seeded, so a
broken guarantee is reported the same way every time.
"""

from __future__ import annotations

import dataclasses
import random

from spinewise.checkin.derive import week_values
from spinewise.checkin.run import resolved_plan
from spinewise.rulebase.conditions import answer_tests


def history_domains(view) -> dict:
    """Each history value's candidates: the numbers the rules compare it with, one each side, and the choices."""
    tests: dict = {}
    for rule in view.rules:
        for test in answer_tests(rule.when):
            tests.setdefault(test.question, set()).add(test.value if not isinstance(test.value, list) else None)
    domains = {}
    for derived in view.checkin.derived:
        question = derived.question
        if derived.stage != "history" or derived.how[0] != "journal":
            continue
        if question.type == "bool":
            domains[question.id] = [True, False]
        elif question.type == "choice":
            domains[question.id] = [c.value for c in question.choices]
        else:
            edges = {v for v in tests.get(question.id, set()) if isinstance(v, int)}
            values = {0, 1, 2, 3, 7, 10, 15} | {e + d for e in edges for d in (-1, 0, 1)}
            domains[question.id] = sorted(v for v in values if question.minimum <= v <= (question.maximum or 10 ** 6))
    return domains


def draw_checkin(view, rng: random.Random, follows: tuple) -> tuple[dict, dict]:
    """(history, answers): a journal state after an entry that allows a check-in, and answers to every question asked."""
    domains = history_domains(view)
    history = {name: rng.choice(values) for name, values in domains.items()}
    if "last_disposition" in history:
        history["last_disposition"] = rng.choice(list(follows))
    answers: dict = {}
    for question in view.checkin.questions:
        if question.is_asked({**history, **answers}):
            answers[question.id] = _value(question, rng)
    return history, answers


def _value(question, rng: random.Random):
    if question.type == "bool":
        # Warning signs (questions with a `sign`) seldom yes: a yes decides the advice and would
        # hide what the other rules do; so two in three check-ins have none.
        return rng.random() < (0.05 if question.sign else 0.4)
    if question.type == "int":
        return rng.randint(question.minimum, question.maximum)
    if question.type == "choice":
        return rng.choice(question.allowed_values)
    return rng.sample(question.allowed_values, rng.randint(1, len(question.allowed_values)))


def run_drawn(triage, history: dict, answers: dict):
    """The check-in's Result (plan attributes resolved), and every value the rules saw."""
    values = week_values(triage.rulebase.checkin, {**history, **answers}, everything=True)
    values = week_values(triage.rulebase.checkin, values)
    result = triage.conclude(values)
    return dataclasses.replace(result, plan=resolved_plan(result.plan, values)), values


def checkin_states(view, follows: tuple, draws: int = 600, seed: int = 20261127):
    """The check-ins the safety case is checked over, as (history, answers): the same every run."""
    rng = random.Random(seed)
    for _ in range(draws):
        yield draw_checkin(view, rng, follows)
