"""The condition language: one tree, one walker, one evaluator, one reading in words.

A condition is what a rule's `when`, a question's `asked_when` and a named condition
hold. It is written in rule files as `all` / `any` / `not` over leaves: answer tests
`{question, operator, value}` (operators from the whitelist in operators.py), tests on
conclusions other rules drew (`{finding: X}`, `{plan: X}`) and references to named
conditions (`{condition: name}`). The loader pushes `not` down to the leaves, so a tree
holds only `AllOf`, `AnyOf`, `Named` and leaves that may be negated. Static analysis
adds `Not` and `Const` when it replaces a finding test by the rules that draw it.

Every consumer (the experta compiler, answer validation, the questionnaire, the
rulebook, the verifier and the FHIR export) reads conditions through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from spinewise.rulebase.operators import NEGATED_MEANING, OPERATORS

ABSENT = object()  # an answer value meaning "this question was not asked"


@dataclass(frozen=True)
class AnswerTest:
    question: str
    operator: str
    value: Any = None
    parameter: str | None = None  # the named parameter `value` came from, if any
    negated: bool = False
    line: int = 0

    @property
    def meaning(self) -> str:
        """How the test reads in words, e.g. "is at least" or, negated, "is less than"."""
        return NEGATED_MEANING[self.operator] if self.negated else OPERATORS[self.operator].meaning

    def holds_for(self, answer) -> bool:
        """Whether a given answer passes; an unasked question satisfies no test, negated or not."""
        if answer is ABSENT:
            return False
        return OPERATORS[self.operator].test(answer, self.value) != self.negated

    def holds(self, answers: dict) -> bool:
        return self.question in answers and self.holds_for(answers[self.question])


@dataclass(frozen=True)
class FactTest:
    """A test on a conclusion another rule drew: a finding made or a plan item planned."""

    kind: str  # "finding" or "plan"
    code: str
    negated: bool = False
    line: int = 0


@dataclass(frozen=True)
class AllOf:
    items: tuple


@dataclass(frozen=True)
class AnyOf:
    items: tuple


@dataclass(frozen=True)
class Named:
    """A reference to a named condition, kept so it can be shown by name; it means `condition`."""

    name: str
    condition: Any
    negated: bool = False  # written as `not: {condition: name}`; `condition` is already negated
    line: int = 0


@dataclass(frozen=True)
class Not:
    """Only in analysis: the complement of a finding's producers (see review/analysis/inline.py)."""

    item: Any


@dataclass(frozen=True)
class Const:
    value: bool


Condition = Union[AnswerTest, FactTest, AllOf, AnyOf, Named, Not, Const]
GROUPS = (AllOf, AnyOf)


# -- walking ------------------------------------------------------------------------------

def children(node) -> tuple:
    if isinstance(node, GROUPS):
        return node.items
    if isinstance(node, Named):
        return (node.condition,)
    if isinstance(node, Not):
        return (node.item,)
    return ()


def nodes(condition):
    """Every distinct node of a condition, parents first (a shared node once)."""
    seen, stack = set(), [condition]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        stack.extend(reversed(children(node)))


def answer_tests(condition) -> list:
    return [node for node in nodes(condition) if isinstance(node, AnswerTest)]


def fact_tests(condition) -> list:
    return [node for node in nodes(condition) if isinstance(node, FactTest)]


def questions_read(condition) -> list[str]:
    """Question ids a condition reads, in order of first appearance."""
    return list(dict.fromkeys(test.question for test in answer_tests(condition)))


def names_used(condition) -> list[str]:
    return list(dict.fromkeys(node.name for node in nodes(condition) if isinstance(node, Named)))


def flattened(condition):
    """The same condition with named references dissolved and an `all` inside an `all` merged.

    What the engine compiles and what the rulebook reads as one list."""
    if isinstance(condition, Named):
        return flattened(condition.condition)
    if not isinstance(condition, GROUPS):
        return condition
    kind = type(condition)
    items = []
    for item in (flattened(item) for item in condition.items):
        items.extend(item.items if isinstance(item, kind) else (item,))
    return kind(tuple(items))


# -- evaluating ---------------------------------------------------------------------------

def truth(condition, answers: dict, *, unanswered=False, facts=frozenset(), memo: dict | None = None):
    """True, False or None (cannot tell yet) for a condition over `answers`.

    A question missing from `answers` makes its tests `unanswered`: False when the
    answers are complete (a question not asked satisfies no test), None when they are a
    partial assignment still being filled in (three-valued). An answer of ABSENT is a
    question known not to be asked. `facts` holds the ("finding"|"plan", code) pairs
    concluded so far. Shared nodes are evaluated once per call (`memo`).
    """
    memo = {} if memo is None else memo
    key = id(condition)
    if key in memo:
        return memo[key]
    if isinstance(condition, AnswerTest):
        value = (condition.holds_for(answers[condition.question]) if condition.question in answers
                 else unanswered)
    elif isinstance(condition, FactTest):
        value = ((condition.kind, condition.code) in facts) != condition.negated
    elif isinstance(condition, Const):
        value = condition.value
    elif isinstance(condition, Named):
        value = truth(condition.condition, answers, unanswered=unanswered, facts=facts, memo=memo)
    elif isinstance(condition, Not):
        inner = truth(condition.item, answers, unanswered=unanswered, facts=facts, memo=memo)
        value = None if inner is None else not inner
    else:
        absorbing = isinstance(condition, AnyOf)
        values = (truth(item, answers, unanswered=unanswered, facts=facts, memo=memo) for item in condition.items)
        value = _combine(values, absorbing)
    memo[key] = value
    return value


def evaluate(condition, answers: dict, facts=frozenset()) -> bool:
    """Two-valued truth over complete answers (the special case of `truth`)."""
    return truth(condition, answers, facts=facts) is True


def _combine(values, absorbing: bool):
    unknown = False
    for value in values:
        if value is absorbing:
            return absorbing
        if value is None:
            unknown = True
    return None if unknown else not absorbing


# -- in words -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Words:
    """A condition in plain words, as parts the templates emphasise as they like.

    A leaf reads "the answer to <subject> <verb> <value>": the subject is the question's
    own text (or its id, for messages to integrators), the verb comes from the operator
    table, the value is the answer's label, with the parameter it came from."""

    kind: str  # "answer", "finding", "plan", "condition", "all" or "any"
    subject: str = ""  # the question's text (or id), or the finding's, plan item's or condition's title
    code: str = ""  # question id, finding or plan code, or condition name
    verb: str = ""  # "is at least", "has been found", ...
    value: str = ""  # "7", yes/no, choice labels
    parameter: str = ""  # the named parameter the value comes from
    items: tuple = ()  # for all/any
    by_id: bool = False

    @property
    def is_group(self) -> bool:
        return self.kind in ("all", "any")

    def sentence(self) -> str:
        """The whole condition as one line of plain text."""
        if self.is_group:
            joiner = " and " if self.kind == "all" else " or "
            return "(" + joiner.join(item.sentence() for item in self.items) + ")"
        value = f" {self.value}" if self.value else ""
        if self.kind == "answer" and not self.by_id:
            return f"the answer to \"{self.subject}\" {self.verb}{value}"
        return f"{self.subject} {self.verb}{value}"


def words(condition, rulebase, *, by_id: bool = False, expand: bool = False, focus: str = "") -> Words:
    """`condition` in words; `by_id` names questions by id (for integrators' messages),
    else by their text; `expand` reads named conditions through instead of by name; the
    `focus` question (the one being asked) reads as "your answer"."""
    if isinstance(condition, Named) and expand:
        return words(condition.condition, rulebase, by_id=by_id, expand=expand, focus=focus)
    if isinstance(condition, GROUPS):
        kind = "all" if isinstance(condition, AllOf) else "any"
        items = []
        for item in (words(item, rulebase, by_id=by_id, expand=expand, focus=focus) for item in condition.items):
            # "all of: a, all of: b, c" reads as "all of: a, b, c" (a `not any` becomes a nested `all`).
            items.extend(item.items if item.kind == kind else (item,))
        return Words(kind, items=tuple(items), by_id=by_id)
    if isinstance(condition, Named):
        title = rulebase.condition(condition.name).title
        verb = "does not hold" if condition.negated else "holds"
        return Words("condition", f"the condition \u201c{title}\u201d", condition.name, verb, by_id=by_id)
    if isinstance(condition, FactTest):
        return _fact_words(condition, rulebase)
    question = rulebase.question(condition.question)
    value = _raw_value(condition.value) if by_id else value_text(question, condition.value)
    if question.id == focus:
        return Words("answer", "your answer", question.id, condition.meaning, value, condition.parameter or "",
                     by_id=True)
    return Words("answer", question.id if by_id else question.text, question.id, condition.meaning,
                 value, condition.parameter or "", by_id=by_id)


def _raw_value(value) -> str:
    if value is None:
        return ""
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def _fact_words(test: FactTest, rulebase) -> Words:
    if test.kind == "finding":
        title = rulebase.finding(test.code).title
        verb = "has not been found" if test.negated else "has been found"
        return Words("finding", f"the finding \u201c{title}\u201d", test.code, verb)
    title = rulebase.plan_item(test.code).title
    verb = "is not planned" if test.negated else "is planned"
    return Words("plan", f"the plan item \u201c{title}\u201d", test.code, verb)


def value_text(question, value) -> str:
    """An operand or an answer in words: choice labels, yes/no, numbers."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        labels = [value_text(question, item) for item in value]
        return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]
    if isinstance(value, bool):
        return "yes" if value else "no"
    labels = {choice.value: choice.label for choice in question.choices}
    return labels.get(value, str(value))


def condition_json(condition) -> dict:
    """The condition as the rule-file vocabulary writes it (negation kept on the leaves)."""
    if isinstance(condition, GROUPS):
        return {"all" if isinstance(condition, AllOf) else "any": [condition_json(i) for i in condition.items]}
    if isinstance(condition, Named):
        leaf = {"condition": condition.name}
    elif isinstance(condition, FactTest):
        leaf = {condition.kind: condition.code}
    else:
        leaf = {"question": condition.question, "operator": condition.operator}
        if condition.parameter:
            leaf["parameter"] = condition.parameter
        if condition.value is not None:
            leaf["value"] = condition.value
    negated = getattr(condition, "negated", False)
    return {"not": leaf} if negated else leaf
