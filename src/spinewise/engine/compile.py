"""Compile rule-base rules into an experta KnowledgeEngine: one RETE rule per rule-file rule.

Each condition leaf becomes a pattern on the `Answers` fact (a literal or a whitelisted
operator's predicate, binding the answer under its question id so the rule can say which
answers it fired on), or on the `Finding`/`Planned` facts other rules declare. `all`
becomes AND (its answer tests merged into one `Answers` pattern), `any` becomes OR, and
negated finding or plan tests become NOT, which the rules' strata make independent of the
firing order (rulebase/strata.py). Named conditions are compiled as what they stand for.
"""

from __future__ import annotations

import json

from spinewise.engine.compat import experta
from spinewise.engine.conclusions import TriageEngine
from spinewise.engine.facts import Answers, Finding, Planned
from spinewise.rulebase.conditions import AllOf, AnswerTest, AnyOf, FactTest, fact_tests, flattened
from spinewise.rulebase.model import Rule
from spinewise.rulebase.operators import OPERATORS
from spinewise.rulebase.strata import strata

FACT_BINDING_PREFIX = "_fact"  # question ids are lower-case words, so they never start with "_"


def compile_engine_class(rules) -> type:
    """A TriageEngine subclass holding one experta rule per given rule."""
    members = {}
    salience = engine_saliences(rules)
    for index, rule in enumerate(rules):
        fact_bindings: dict = {}
        pattern = _pattern(flattened(rule.when), fact_bindings)
        action = _action(rule, fact_bindings)
        members[f"rule_{index}"] = experta.Rule(pattern, salience=salience[index])(action)
    members["read_conclusions"] = frozenset((test.kind, test.code) for rule in rules for test in fact_tests(rule.when))
    return type("CompiledTriageEngine", (TriageEngine,), members)


def engine_saliences(rules) -> list[int]:
    """Each rule's experta salience: its stratum first, then the file's salience, then rule-base order.

    A lower stratum always fires first, so a `not` on a conclusion is read only once that
    conclusion is settled. Within a stratum, ties of the file's salience are broken by
    rule-base order (earlier fires first): experta orders activations of equal salience by
    how its network hands them over, which follows object hashes and so changes between
    processes.
    """
    count = len(rules)
    level = strata(rules)
    written = [rule.salience * (count + 1) + (count - index) for index, rule in enumerate(rules)]
    span = max(written, default=0) - min(written, default=0) + 1
    return [value - level[rule.id] * span for value, rule in zip(written, rules)]


def _action(rule: Rule, fact_bindings: dict):
    concludes = tuple(([("finding", rule.finding)] if rule.finding else []) + [("plan", e.code) for e in rule.plan])

    def fire(engine, **bound):
        engine.on_fire(rule, bound, fact_bindings, concludes)

    fire.__name__ = rule.id
    return fire


def _pattern(condition, fact_bindings: dict):
    if isinstance(condition, AllOf):
        return _all_of(condition.items, fact_bindings)
    if isinstance(condition, AnyOf):
        return experta.OR(*(_pattern(item, fact_bindings) for item in condition.items))
    if isinstance(condition, FactTest):
        return _fact_pattern(condition, fact_bindings)
    return Answers(**{condition.question: _answer_constraint(condition)})


def _all_of(items, fact_bindings: dict):
    # A case declares one Answers fact, so answer tests on distinct questions ANDed together
    # are one pattern with several fields: the same matches, without a join node per test.
    tests = [item for item in items if isinstance(item, AnswerTest)]
    if len(tests) < 2 or len({test.question for test in tests}) < len(tests):
        return experta.AND(*(_pattern(item, fact_bindings) for item in items))
    answers = Answers(**{test.question: _answer_constraint(test) for test in tests})
    rest = [_pattern(item, fact_bindings) for item in items if not isinstance(item, AnswerTest)]
    return experta.AND(answers, *rest) if rest else answers


def _fact_pattern(test: FactTest, fact_bindings: dict):
    fact = (Finding if test.kind == "finding" else Planned)(code=test.code)
    if test.negated:
        return experta.NOT(fact)
    name = f"{FACT_BINDING_PREFIX}{len(fact_bindings)}"
    fact_bindings[name] = (test.kind, test.code)
    return getattr(experta.AS, name) << fact


def _answer_constraint(test: AnswerTest):
    binding = experta.W(test.question)
    if test.operator == "equals" and not test.negated:
        return experta.L(test.value) & binding
    if test.operator in ("is_true", "is_false"):
        return experta.L((test.operator == "is_true") != test.negated) & binding
    return _predicate(test.operator, test.value, test.negated) & binding


_PREDICATES: dict = {}


def _predicate(operator_name: str, value, negated: bool):
    """One experta P per distinct test, so the network tests it once a case for every rule that reads it."""
    key = (operator_name, json.dumps(value, sort_keys=True), negated)
    if key not in _PREDICATES:
        operator = OPERATORS[operator_name]
        _PREDICATES[key] = lambda answer: operator.test(answer, value) != negated
    return experta.P(_PREDICATES[key])
