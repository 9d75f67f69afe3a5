"""Compile rule-base rules into an experta KnowledgeEngine: one RETE rule per rule-file rule.

A rule's condition is read as experta reads a rule, in disjunctive normal form: an OR of
conjunctions. In each conjunction the answer tests (a literal or a whitelisted operator's
predicate, binding the answer under its question id so the rule can say which answers it
fired on) are the fields of one `Answers` pattern, and each test of a conclusion another
rule drew is a pattern on the `Finding`/`Planned` facts; a negated one is a NOT, which
the rules' strata make independent of the firing order (rulebase/strata.py). Named
conditions are compiled as what they stand for; equal tests, wherever they stand, are one
check in the network (engine/alpha.py).
"""

from __future__ import annotations

import functools
import inspect
import json

from spinewise.engine.compat import experta
from experta.fieldconstraint import ANDFC  # noqa: E402  (experta's `&` of two ANDs fails: it misses an import)
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

    fire = functools.partial(TriageEngine.on_fire, rule, fact_bindings, concludes)
    fire.__name__ = rule.id
    # experta reads the action's signature each time it copies a rule (about ten times per
    # rule as it prepares the network); a partial's is slow to work out, so it is given.
    fire.__signature__ = _ACTION_SIGNATURE
    return fire


_ACTION_SIGNATURE = inspect.Signature([inspect.Parameter("engine", inspect.Parameter.POSITIONAL_ONLY),
                                       inspect.Parameter("bound", inspect.Parameter.VAR_KEYWORD)])


def _pattern(condition, fact_bindings: dict):
    """The rule's pattern: an OR of its conjunctions (disjunctive normal form, as experta reads
    a rule), each one `Answers` pattern testing every answer the conjunction tests, then its
    finding and plan patterns. A case declares one Answers fact, so the conjunction's
    answer tests hold of it together or not at all: one pattern, no join on the same fact."""
    named: dict = {}  # a finding or plan test, compiled once however many conjunctions hold it
    conjunctions = []
    for leaves in _disjunctive_normal_form(condition):
        answers = _answers_pattern([leaf for leaf in leaves if isinstance(leaf, AnswerTest)])
        facts = [_fact_pattern(leaf, fact_bindings, named) for leaf in leaves if isinstance(leaf, FactTest)]
        parts = ([answers] if answers is not None else []) + facts
        conjunctions.append(parts[0] if len(parts) == 1 else experta.AND(*parts))
    return conjunctions[0] if len(conjunctions) == 1 else experta.OR(*conjunctions)


def _disjunctive_normal_form(condition) -> list[list]:
    """The condition as alternatives, each a list of leaves that must all hold."""
    if isinstance(condition, AnyOf):
        return [leaves for item in condition.items for leaves in _disjunctive_normal_form(item)]
    if isinstance(condition, AllOf):
        alternatives: list[list] = [[]]
        for item in condition.items:
            alternatives = [leaves + more for leaves in alternatives for more in _disjunctive_normal_form(item)]
        return alternatives
    return [[condition]]


def _answers_pattern(tests: list):
    """One Answers pattern for answer tests that must hold together (a question tested twice: both, on its field)."""
    if not tests:
        return None
    fields: dict = {}
    for test in tests:
        fields.setdefault(test.question, []).extend(_answer_constraint(test))  # each is `test & W(question)`
    return Answers(**{question: ANDFC(*parts) for question, parts in fields.items()})


def _fact_pattern(test: FactTest, fact_bindings: dict, named: dict):
    if id(test) not in named:
        fact = (Finding if test.kind == "finding" else Planned)(code=test.code)
        if test.negated:
            named[id(test)] = experta.NOT(fact)
        else:
            name = f"{FACT_BINDING_PREFIX}{len(fact_bindings)}"
            fact_bindings[name] = (test.kind, test.code)
            named[id(test)] = getattr(experta.AS, name) << fact
    return named[id(test)]


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
