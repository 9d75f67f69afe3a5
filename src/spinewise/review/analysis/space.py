"""The finite answer space, reduced to equivalence classes of the tests the rules use.

Two answers to a question are equivalent when every test in the rules (and in the
questions' `asked_when`) gives the same result for both. For a whole-number question the
classes are the ranges between the thresholds the rules use (pain 0-6 and 7-10 when the
only test is "at least 7"); for a choice, values no test tells apart share a class; for a
multiple choice, what matters is which of those groups the answer touches. One answer per
class is then as good as all of them, which turns millions of answer combinations into a
few hundred that can be checked exhaustively.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from functools import cached_property

from spinewise.rulebase.conditions import ABSENT, answer_tests, truth


@dataclass(frozen=True)
class ValueClass:
    value: object  # the representative answer
    label: str  # what the class covers, e.g. "7 to 10" or "yes"
    size: int = 1  # how many possible answers it covers


@dataclass(frozen=True)
class AnswerSpace:
    questions: tuple  # of Question, asked_when only reads earlier ones
    classes: dict  # question id -> tuple of ValueClass
    baseline: dict

    def count(self, assignment: dict) -> int:
        """How many class combinations complete `assignment` (honouring asked_when)."""
        return _count(self, 0, dict(assignment))

    def answer_sets(self, assignment: dict | None = None) -> int:
        """How many possible answer sets (every value of every question asked) complete `assignment`.

        This is the one answer-space total every tool quotes: it depends on the questions only,
        not on the rules' thresholds."""
        return _count(self, 0, dict(assignment or {}), weighted=True)

    def complete(self, assignment: dict) -> dict:
        """A full, valid answers object: the assignment, the rest from the baseline."""
        answers: dict = {}
        filled = dict(assignment)
        for question in self.questions:
            if question.id not in filled:
                asked = truth(question.asked_when, filled, unanswered=None) if question.asked_when else True
                filled[question.id] = self._default(question) if asked else ABSENT
            if filled[question.id] is not ABSENT:
                answers[question.id] = filled[question.id]
        return answers

    def _default(self, question):
        if question.id in self.baseline:
            return self.baseline[question.id]
        return self.classes[question.id][0].value

    def sample(self, rng: random.Random) -> dict:
        """A random assignment of one class per asked question."""
        assignment: dict = {}
        for question in self.questions:
            asked = truth(question.asked_when, assignment, unanswered=None) if question.asked_when else True
            assignment[question.id] = rng.choice(self.classes[question.id]).value if asked else ABSENT
        return assignment

    def label(self, qid: str, value) -> str:
        for value_class in self.classes[qid]:
            if value_class.value == value:
                return value_class.label
        return str(value)

    @cached_property
    def dependencies(self) -> dict:
        """Question id -> the question ids its asked_when reads."""
        return {q.id: {t.question for t in answer_tests(q.asked_when)} if q.asked_when else set()
                for q in self.questions}

    @cached_property
    def governing(self) -> set:
        """Questions whose answer decides whether another is asked."""
        return set().union(*self.dependencies.values())


def _count(space: AnswerSpace, index: int, assignment: dict, weighted: bool = False) -> int:
    if index == len(space.questions):
        return 1
    question = space.questions[index]
    classes = space.classes[question.id]
    if question.id in assignment:
        value = assignment[question.id]
        size = next((c.size for c in classes if c.value == value), 1) if weighted else 1
        return size * _count(space, index + 1, assignment, weighted)
    asked = truth(question.asked_when, assignment, unanswered=None) if question.asked_when else True
    if not asked:
        return _count(space, index + 1, {**assignment, question.id: ABSENT}, weighted)
    if question.id in space.governing:
        return sum((c.size if weighted else 1) * _count(space, index + 1, {**assignment, question.id: c.value}, weighted)
                   for c in classes)
    width = sum(c.size for c in classes) if weighted else len(classes)
    return width * _count(space, index + 1, assignment, weighted)


def build_space(rulebase, conditions) -> AnswerSpace:
    """The classes of every question of `rulebase` under the tests in `conditions` and asked_when."""
    tests: dict = {}
    for condition in list(conditions) + [q.asked_when for q in rulebase.questions if q.asked_when]:
        for test in answer_tests(condition):
            tests.setdefault(test.question, []).append(test)
    classes = {q.id: _classes(q, tests.get(q.id, [])) for q in rulebase.questions}
    return AnswerSpace(tuple(rulebase.questions), classes, dict(rulebase.baseline))


def _classes(question, tests) -> tuple:
    if question.type == "bool":
        return (ValueClass(False, "no"), ValueClass(True, "yes"))
    if question.type == "int":
        return _int_classes(question, tests)
    groups = _choice_groups(question, tests)
    if question.type == "choice":
        return tuple(ValueClass(group[0], " or ".join(group), len(group)) for group in groups)
    subsets = itertools.chain.from_iterable(itertools.combinations(groups, n) for n in range(1, len(groups) + 1))
    return tuple(ValueClass([group[0] for group in subset], " + ".join("/".join(group) for group in subset),
                            math.prod(2 ** len(group) - 1 for group in subset))
                 for subset in subsets)


def _int_classes(question, tests) -> tuple:
    low, high = question.minimum, question.maximum
    cuts = {low, high + 1}
    for test in tests:
        cuts.update(c for c in _cuts(test) if low < c <= high)
    bounds = sorted(cuts)
    classes = []
    for start, stop in zip(bounds, bounds[1:]):
        end = stop - 1
        # The representative sits next to a threshold, where a reviewer looks first.
        value = end if start == low and end != high else start
        label = str(start) if start == end else f"{start} to {end}"
        classes.append(ValueClass(value, label, end - start + 1))
    return tuple(classes)


def _cuts(test) -> list:
    """Where a test's answer can flip: the first value of each range it treats alike."""
    value = test.value
    if test.operator in ("at_least", "less_than"):
        return [value]
    if test.operator in ("more_than", "at_most"):
        return [value + 1]
    values = value if isinstance(value, list) else [value]
    return [cut for v in values for cut in (v, v + 1)]


def _choice_groups(question, tests) -> list:
    """Choice values grouped by which tests' value lists contain them, in choice order."""
    lists = [frozenset(t.value if isinstance(t.value, list) else [t.value]) for t in tests]
    groups: dict = {}
    for value in question.allowed_values:
        signature = frozenset(index for index, values in enumerate(lists) if value in values)
        groups.setdefault(signature, []).append(value)
    return list(groups.values())
