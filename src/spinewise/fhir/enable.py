"""`asked_when` as FHIR: `enableWhen` + `enableBehavior` when FHIR can say it, else an SDC FHIRPath expression.

A condition reaches us in negation normal form (`not` already pushed onto the tests), so
only `AllOf`, `AnyOf` and possibly negated tests meet. spinewise's rule is that an
unanswered question satisfies no test, negated or not. FHIR's `=` and comparisons agree;
its `!=` is true when there is no answer, so every `!=` is paired with an `exists` test,
which only an `all` behaviour can carry.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinewise.fhir.common import FhirExportError, answer_system, coding, unwrap
from spinewise.rulebase.conditions import AllOf, AnswerTest, AnyOf

ENABLE_WHEN_EXPRESSION = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"

# operator -> (FHIR comparator, comparator when negated); list-valued operators expand to one
# test per value, joined by `any` (or by `all` when negated: De Morgan).
_COMPARATORS = {
    "is_true": ("=", "="), "is_false": ("=", "="),
    "equals": ("=", "!="), "not_equals": ("!=", "="), "one_of": ("=", "!="),
    "at_least": (">=", "<"), "at_most": ("<=", ">"), "more_than": (">", "<="), "less_than": ("<", ">="),
    "contains": ("=", "!="), "contains_any": ("=", "!="),
}
_LIST_OPERATORS = ("one_of", "contains_any")


@dataclass(frozen=True)
class _Leaf:
    junction: str  # "all", "any", or "" when the test is one FHIR test
    tests: tuple  # enableWhen dicts


def enable_fields(question, rulebase) -> dict:
    """The item fields that enable `question` exactly when it is asked: enableWhen or an SDC extension."""
    return enable_for(question.asked_when, rulebase, question.id)


def enable_for(condition, rulebase, link_id: str) -> dict:
    """The item fields that enable an item exactly when `condition` holds (nothing when it is None)."""
    if condition is None:
        return {}
    flat = _flat(condition, rulebase)
    if flat is not None:
        behaviour, tests = flat
        return {"enableWhen": tests, **({"enableBehavior": behaviour} if len(tests) > 1 else {})}
    return expression_fields(fhirpath(condition, rulebase, link_id))


def expression_fields(expression: str) -> dict:
    """An SDC enableWhenExpression (FHIRPath over the response) as item fields."""
    return {"extension": [{"url": ENABLE_WHEN_EXPRESSION,
                           "valueExpression": {"language": "text/fhirpath", "expression": expression}}]}


def _flat(condition, rulebase):
    """(behaviour, enableWhen list) for a test or a flat all/any of tests FHIR can express, else None."""
    condition = unwrap(condition)
    if isinstance(condition, AnswerTest):
        leaf = _leaf(condition, rulebase)
        return (leaf.junction or "all", list(leaf.tests)) if leaf else None
    if not isinstance(condition, (AllOf, AnyOf)):
        return None
    parts = [unwrap(item) for item in condition.items]
    if all(isinstance(item, AnswerTest) for item in parts):
        behaviour = "all" if isinstance(condition, AllOf) else "any"
    else:
        return None
    leaves = [_leaf(test, rulebase) for test in parts]
    if any(leaf is None or leaf.junction not in ("", behaviour) for leaf in leaves):
        return None
    tests = []
    for leaf in leaves:
        tests.extend(test for test in leaf.tests if test not in tests)
    if behaviour == "any" and any(test["operator"] == "exists" for test in tests):
        return None
    return behaviour, tests


def _leaf(test: AnswerTest, rulebase) -> _Leaf | None:
    if test.operator not in _COMPARATORS:
        return None
    comparator = _COMPARATORS[test.operator][test.negated]
    question = rulebase.question(test.question)
    if test.operator in ("is_true", "is_false"):
        values = [(test.operator == "is_true") != test.negated]
    else:
        values = list(test.value) if test.operator in _LIST_OPERATORS else [test.value]
    tests = [{"question": question.id, "operator": comparator, **_answer(question, value, rulebase)}
             for value in values]
    junction = "" if len(tests) == 1 else ("all" if comparator == "!=" else "any")
    if comparator == "!=":
        tests.append({"question": question.id, "operator": "exists", "answerBoolean": True})
        junction = "all"
    return _Leaf(junction, tuple(tests))


def _answer(question, value, rulebase) -> dict:
    if question.type == "bool":
        return {"answerBoolean": value}
    if question.type == "int":
        return {"answerInteger": value}
    label = dict((c.value, c.label) for c in question.choices).get(value, "")
    return {"answerCoding": coding(answer_system(rulebase, question), value, label)}


def fhirpath(condition, rulebase, qid: str) -> str:
    """The condition as a FHIRPath boolean over the QuestionnaireResponse (%resource)."""
    condition = unwrap(condition)
    if isinstance(condition, (AllOf, AnyOf)):
        joiner = " and " if isinstance(condition, AllOf) else " or "
        return joiner.join(f"({fhirpath(item, rulebase, qid)})" for item in condition.items)
    if not isinstance(condition, AnswerTest):
        raise FhirExportError(f"question {qid}: its 'asked_when' tests something other than answers, "
                              "which a FHIR Questionnaire cannot express")
    return _fhirpath_test(condition, rulebase.question(condition.question), qid)


def _fhirpath_test(test: AnswerTest, question, qid: str) -> str:
    values = f"%resource.repeat(item).where(linkId = {_literal(question.id)}).answer.value"
    if question.type in ("choice", "multi"):
        values += ".code"
    op, negated = test.operator, test.negated
    some = lambda predicate: f"{values}.where({predicate}).exists()"  # noqa: E731
    none_but_answered = lambda predicate: f"{values}.exists() and {values}.where({predicate}).empty()"  # noqa: E731
    if op in ("is_true", "is_false"):
        return some(f"$this = {'true' if (op == 'is_true') != negated else 'false'}")
    if op in ("at_least", "at_most", "more_than", "less_than"):
        return some(f"$this {_COMPARATORS[op][negated]} {_literal(test.value)}")
    if op in ("equals", "not_equals", "contains"):
        equal = f"$this = {_literal(test.value)}"
        return none_but_answered(equal) if (op == "not_equals") != negated else some(equal)
    if op in ("one_of", "contains_any", "contains_only"):
        member = f"$this in ({' | '.join(_literal(v) for v in test.value)})"
        if op == "contains_only":
            return f"{values}.where(({member}).not()).exists()" if negated else \
                f"{values}.exists() and {values}.all({member})"
        return none_but_answered(member) if negated else some(member)
    raise FhirExportError(f"question {qid}: its 'asked_when' uses the operator {op!r}, "
                          "which has no FHIR translation yet")


def _literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"
