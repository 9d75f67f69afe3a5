"""Rule conditions as pure logic over answers, for static analysis.

A rule may test a finding or a plan item another rule concluded. For analysis such a test
is replaced by "one of the rules that conclude it fires", recursively, so every condition
reads answers only. A negated test becomes the complement of that, which is the logical
reading a clinician means; the engine agrees whenever the rules' salience lets the
concluding rules fire first, as it does for every shipped rule.

Evaluation is three-valued over a partial assignment: True, False, or None while an
answer it depends on is still open. A question that is not asked is ABSENT and, as in
the engine, satisfies no test, negated or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinewise.rulebase.model import AllOf, AnswerTest, AnyOf, FactTest

ABSENT = object()  # the question was not asked


@dataclass(frozen=True)
class Not:
    item: object


@dataclass(frozen=True)
class Const:
    value: bool


def truth(condition, assignment: dict):
    """True, False, or None when it depends on a question not yet assigned."""
    if isinstance(condition, AnswerTest):
        if condition.question not in assignment:
            return None
        answer = assignment[condition.question]
        return False if answer is ABSENT else condition.holds({condition.question: answer})
    if isinstance(condition, Const):
        return condition.value
    if isinstance(condition, Not):
        value = truth(condition.item, assignment)
        return None if value is None else not value
    if isinstance(condition, AllOf):
        return _combine((truth(item, assignment) for item in condition.items), absorbing=False)
    return _combine((truth(item, assignment) for item in condition.items), absorbing=True)


def _combine(values, absorbing: bool):
    unknown = False
    for value in values:
        if value is absorbing:
            return absorbing
        if value is None:
            unknown = True
    return None if unknown else not absorbing


def questions_in(condition) -> set:
    if isinstance(condition, AnswerTest):
        return {condition.question}
    if isinstance(condition, Not):
        return questions_in(condition.item)
    if isinstance(condition, (AllOf, AnyOf)):
        return set().union(*(questions_in(item) for item in condition.items))
    return set()


def answer_tests(condition):
    if isinstance(condition, AnswerTest):
        yield condition
    elif isinstance(condition, Not):
        yield from answer_tests(condition.item)
    elif isinstance(condition, (AllOf, AnyOf)):
        for item in condition.items:
            yield from answer_tests(item)


def inline_facts(rules) -> dict:
    """Rule id -> its condition with every finding or plan test replaced by its producers."""
    producers: dict = {}
    for rule in rules:
        if rule.finding:
            producers.setdefault(("finding", rule.finding), []).append(rule)
        for entry in rule.plan:
            producers.setdefault(("plan", entry.code), []).append(rule)
    done: dict = {}

    def inline(condition, visiting: frozenset):
        if isinstance(condition, FactTest):
            makers = [r for r in producers.get((condition.kind, condition.code), []) if r.id not in visiting]
            produced = AnyOf(tuple(inline(r.when, visiting | {r.id}) for r in makers)) if makers else Const(False)
            return Not(produced) if condition.negated else produced
        if isinstance(condition, (AllOf, AnyOf)):
            return type(condition)(tuple(inline(item, visiting) for item in condition.items))
        return condition

    for rule in rules:
        done[rule.id] = inline(rule.when, frozenset({rule.id}))
    return done


def shape(condition):
    """A comparable form of a condition that ignores line numbers."""
    if isinstance(condition, AnswerTest):
        value = tuple(condition.value) if isinstance(condition.value, list) else condition.value
        return ("test", condition.question, condition.operator, value, condition.negated)
    if isinstance(condition, FactTest):
        return ("fact", condition.kind, condition.code, condition.negated)
    if isinstance(condition, Not):
        return ("not", shape(condition.item))
    if isinstance(condition, Const):
        return ("const", condition.value)
    return (type(condition).__name__, tuple(shape(item) for item in condition.items))


def outcome(rule) -> tuple:
    """What a rule concludes, comparable: finding, disposition, plan entries with attributes."""
    plan = tuple(sorted((entry.code, tuple(sorted(map(repr, entry.attributes.items())))) for entry in rule.plan))
    return rule.finding, rule.disposition, plan
