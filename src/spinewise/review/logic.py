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

import hashlib
from dataclasses import dataclass

from spinewise.rulebase.model import AllOf, AnswerTest, AnyOf, FactTest

ABSENT = object()  # the question was not asked


@dataclass(frozen=True)
class Not:
    item: object


@dataclass(frozen=True)
class Const:
    value: bool


def truth(condition, assignment: dict, memo: dict | None = None):
    """True, False, or None when it depends on a question not yet assigned.

    Inlined conditions share sub-conditions (one per finding or plan item), so `memo`
    remembers each shared node's value for this assignment and evaluation stays linear."""
    if isinstance(condition, AnswerTest):
        if condition.question not in assignment:
            return None
        answer = assignment[condition.question]
        return False if answer is ABSENT else condition.holds({condition.question: answer})
    if isinstance(condition, Const):
        return condition.value
    memo = {} if memo is None else memo
    key = id(condition)
    if key not in memo:
        if isinstance(condition, Not):
            value = truth(condition.item, assignment, memo)
            memo[key] = None if value is None else not value
        else:
            absorbing = isinstance(condition, AnyOf)
            memo[key] = _combine((truth(item, assignment, memo) for item in condition.items), absorbing)
    return memo[key]


def _combine(values, absorbing: bool):
    unknown = False
    for value in values:
        if value is absorbing:
            return absorbing
        if value is None:
            unknown = True
    return None if unknown else not absorbing


def _nodes(condition):
    """Every distinct node of a condition (shared nodes once)."""
    seen, stack = set(), [condition]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, Not):
            stack.append(node.item)
        elif isinstance(node, (AllOf, AnyOf)):
            stack.extend(reversed(node.items))


def questions_in(condition) -> set:
    return {node.question for node in _nodes(condition) if isinstance(node, AnswerTest)}


def answer_tests(condition):
    return (node for node in _nodes(condition) if isinstance(node, AnswerTest))


def inline_facts(rules) -> dict:
    """Rule id -> its condition with every finding or plan test replaced by its producers.

    Each finding or plan item is expanded once and shared. A fact that depends on itself
    (a rule reading the plan item it adds to) counts as not yet concluded inside its own
    expansion, as forward chaining cannot conclude it from itself."""
    producers: dict = {}
    for rule in rules:
        if rule.finding:
            producers.setdefault(("finding", rule.finding), []).append(rule)
        for entry in rule.plan:
            producers.setdefault(("plan", entry.code), []).append(rule)
    facts: dict = {}

    def fact(key):
        if key not in facts:
            facts[key] = Const(False)  # while it is being expanded
            makers = producers.get(key, [])
            facts[key] = AnyOf(tuple(inline(r.when) for r in makers)) if makers else Const(False)
        return facts[key]

    def inline(condition):
        if isinstance(condition, FactTest):
            produced = fact((condition.kind, condition.code))
            return Not(produced) if condition.negated else produced
        if isinstance(condition, (AllOf, AnyOf)):
            return type(condition)(tuple(inline(item) for item in condition.items))
        return condition

    return {rule.id: inline(rule.when) for rule in rules}


def shape(condition) -> str:
    """A digest of a condition's structure that ignores line numbers: equal conditions, equal digests."""
    memo: dict = {}

    def digest(node) -> str:
        if id(node) not in memo:
            memo[id(node)] = hashlib.sha256(repr(_local(node, digest)).encode()).hexdigest()
        return memo[id(node)]

    return digest(condition)


def _local(node, digest):
    if isinstance(node, AnswerTest):
        value = tuple(node.value) if isinstance(node.value, list) else node.value
        return ("test", node.question, node.operator, value, node.negated)
    if isinstance(node, FactTest):
        return ("fact", node.kind, node.code, node.negated)
    if isinstance(node, Not):
        return ("not", digest(node.item))
    if isinstance(node, Const):
        return ("const", node.value)
    return (type(node).__name__, tuple(digest(item) for item in node.items))


def outcome(rule) -> tuple:
    """What a rule concludes, comparable: finding, disposition, plan entries with attributes."""
    plan = tuple(sorted((entry.code, tuple(sorted(map(repr, entry.attributes.items())))) for entry in rule.plan))
    return rule.finding, rule.disposition, plan
