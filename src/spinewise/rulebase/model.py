"""The rule base as immutable values: questions, vocabulary, conditions and rules.

Conditions are kept in negation normal form: `not` is pushed down to the leaves when a
file is read, so the engine compiler and the evaluator only meet `AllOf`, `AnyOf` and
leaves that may be negated. An unanswered question satisfies no leaf, negated or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Union

from spinewise.rulebase.operators import NEGATED_MEANING, OPERATORS

STATUSES = ("draft", "approved", "retired")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


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

    def holds(self, answers: dict) -> bool:
        if self.question not in answers:
            return False
        return OPERATORS[self.operator].test(answers[self.question], self.value) != self.negated


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


Condition = Union[AnswerTest, FactTest, AllOf, AnyOf]


def questions_read(condition: Condition) -> list[str]:
    """Question ids a condition reads, in order of first appearance."""
    if isinstance(condition, AnswerTest):
        return [condition.question]
    if isinstance(condition, FactTest):
        return []
    seen: list[str] = []
    for item in condition.items:
        seen.extend(q for q in questions_read(item) if q not in seen)
    return seen


def facts_read(condition: Condition) -> list[FactTest]:
    if isinstance(condition, FactTest):
        return [condition]
    if isinstance(condition, AnswerTest):
        return []
    return [fact for item in condition.items for fact in facts_read(item)]


def evaluate(condition: Condition, answers: dict, findings=frozenset(), plan=frozenset()) -> bool:
    """Decide a condition in Python (for `asked_when` and static checks; rules run in experta)."""
    if isinstance(condition, AnswerTest):
        return condition.holds(answers)
    if isinstance(condition, FactTest):
        present = condition.code in (findings if condition.kind == "finding" else plan)
        return present != condition.negated
    results = (evaluate(item, answers, findings, plan) for item in condition.items)
    return all(results) if isinstance(condition, AllOf) else any(results)


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # "bool", "int", "choice", "multi"
    text: str
    hint: str = ""
    section: str = ""
    choices: tuple = ()  # of Choice
    minimum: int | None = None
    maximum: int | None = None
    asked_when: Condition | None = None
    line: int = 0

    @property
    def allowed_values(self) -> tuple:
        return tuple(choice.value for choice in self.choices)

    def is_asked(self, answers: dict) -> bool:
        return self.asked_when is None or evaluate(self.asked_when, answers)

    def answer_text(self, value) -> str:
        """An answer in words: yes or no, the choice labels, or the number."""
        if self.type == "bool":
            return "yes" if value else "no"
        labels = {choice.value: choice.label for choice in self.choices}
        if self.type == "multi":
            return ", ".join(labels.get(item, str(item)) for item in value)
        return labels.get(value, str(value))

    def describe_allowed(self) -> str:
        if self.type == "bool":
            return "true or false"
        if self.type == "int":
            return f"a whole number from {self.minimum} to {self.maximum}"
        listed = ", ".join(self.allowed_values)
        if self.type == "choice":
            return f"one of {listed}"
        return f"a non-empty list of distinct values from {listed}"


@dataclass(frozen=True)
class Disposition:
    code: str
    rank: int  # 0 is the most severe
    title: str
    advice: str
    required_plan: tuple = ()
    referral: bool = False


@dataclass(frozen=True)
class FindingDef:
    code: str
    title: str
    explanation: str = ""


@dataclass(frozen=True)
class PlanDef:
    code: str
    title: str
    text: str = ""
    steps: tuple = ()
    attributes: dict = field(default_factory=dict, hash=False, compare=False)  # name -> default or None
    after_clearance: bool = False  # shown as "once a practitioner has cleared you" under a referral
    supersedes: tuple = ()  # plan codes this item makes redundant
    source: str = ""


@dataclass(frozen=True)
class PlanEntry:
    code: str
    attributes: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Example:
    given: dict = field(hash=False, compare=False)
    disposition: str | None = None
    findings: tuple = ()
    no_findings: tuple = ()
    plan: tuple = ()  # of PlanEntry: the code, and any attributes it must have
    line: int = 0


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    version: str
    author: str
    reviewer: str
    review_date: str
    status: str
    source: str
    rationale: str
    when: Condition
    finding: str | None = None
    disposition: str | None = None
    plan: tuple = ()  # of PlanEntry
    salience: int = 0
    examples: tuple = ()  # of Example
    topic: str = ""
    file: str = ""
    line: int = 0

    @property
    def questions(self) -> list[str]:
        return questions_read(self.when)


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    meaning: str
    file: str
    line: int


@dataclass(frozen=True)
class RuleBase:
    name: str
    version: str
    directory: str
    content_hash: str
    questions: tuple  # of Question, in the order they are asked
    dispositions: tuple  # of Disposition, most severe first
    findings: tuple  # of FindingDef
    plan_items: tuple  # of PlanDef
    parameters: tuple  # of Parameter
    rules: tuple  # of Rule, every status, in file order
    baseline: dict = field(hash=False, compare=False)  # a healthy lifter's answers, for examples
    fallback_disposition: str = "consultation"  # when no rule gives a disposition

    def question(self, qid: str) -> Question:
        return self.questions_by_id[qid]

    @cached_property
    def questions_by_id(self) -> dict:
        return {q.id: q for q in self.questions}

    def disposition(self, code: str) -> Disposition:
        return next(d for d in self.dispositions if d.code == code)

    def finding(self, code: str) -> FindingDef:
        return next(f for f in self.findings if f.code == code)

    def plan_item(self, code: str) -> PlanDef:
        return next(p for p in self.plan_items if p.code == code)

    def active_rules(self, include_draft: bool = False) -> tuple:
        wanted = ("approved", "draft") if include_draft else ("approved",)
        return tuple(rule for rule in self.rules if rule.status in wanted)
