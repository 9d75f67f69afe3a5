"""Rule conditions as pure logic over answers, for static analysis.

A rule may test a finding or a plan item another rule concluded. For analysis such a test
is replaced by "one of the rules that conclude it fires", recursively, so every condition
reads answers only, and is evaluated by the one evaluator in rulebase/conditions.py
(three-valued over partial assignments). A negated test becomes the complement of that,
which is what the engine computes too: rules fire stratum by stratum (rulebase/strata.py),
so a rule reading `not` a conclusion fires only after every rule that could draw it.
"""

from __future__ import annotations

import hashlib

from spinewise.rulebase.conditions import AllOf, AnswerTest, AnyOf, Const, FactTest, Named, Not


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
        if isinstance(condition, Named):
            return inline(condition.condition)
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
    if isinstance(node, Named):
        return ("named", node.name, node.negated, digest(node.condition))
    return (type(node).__name__, tuple(digest(item) for item in node.items))


def outcome(rule) -> tuple:
    """What a rule concludes, comparable: finding, disposition, plan entries with attributes."""
    plan = tuple(sorted((entry.code, tuple(sorted(map(repr, entry.attributes.items())))) for entry in rule.plan))
    return rule.finding, rule.disposition, plan
