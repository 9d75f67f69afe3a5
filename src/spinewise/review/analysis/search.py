"""Split the answer space into regions where a set of conditions is decided.

The split assigns one question at a time, in the order they are asked, and only the
questions an undecided condition still reads (and the questions that decide whether
those are asked). It stops as soon as `enough(truths)` says the conditions' values are
all the caller needs, so a red flag answered yes ends a branch at once. Each region is a
partial assignment; every answer combination that completes it gives the same truths.

When a split grows past `budget` regions the caller falls back to random sampling, and
says so.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from spinewise.rulebase.conditions import ABSENT, questions_read, truth


class TooLarge(Exception):
    """The exhaustive split needs more than the budget allows."""


@dataclass(frozen=True)
class Region:
    assignment: dict
    truths: tuple
    combinations: int  # class combinations this region stands for


@dataclass(frozen=True)
class Coverage:
    method: str  # "exhaustive" or "sampled"
    combinations: int  # class combinations checked
    total: int  # class combinations in the space
    regions: int
    answer_sets: int = 0  # possible answer sets in the space: the one total every tool quotes

    def describe(self) -> str:
        if self.method == "exhaustive":
            return (f"checked every one of the {self.answer_sets:,} possible answer sets, "
                    f"in {self.regions:,} groups the rules treat alike")
        return (f"sampled {self.combinations:,} answer sets of the {self.answer_sets:,} possible "
                f"(too many to check every one); gaps outside the sample may remain")


def split(space, conditions, enough, budget: int = 20_000, counted: bool = True):
    """Yield every region of the space in which `enough(truths)` holds; TooLarge past `budget`.

    `counted=False` skips counting each region's combinations (0), for yes/no questions."""
    reads = [set(questions_read(condition)) for condition in conditions]
    dependencies = space.dependencies
    found = 0
    stack = [{}]
    while stack:
        assignment = stack.pop()
        memo: dict = {}
        truths = tuple(truth(condition, assignment, unanswered=None, memo=memo) for condition in conditions)
        if enough(truths):
            found += 1
            if found > budget:
                raise TooLarge(found)
            yield Region(assignment, truths, space.count(assignment) if counted else 0)
            continue
        question = _next_question(space, assignment, truths, reads, dependencies)
        stack.extend(reversed(_branches(space, question, assignment)))


def _next_question(space, assignment, truths, reads, dependencies):
    needed = set().union(*(read for read, value in zip(reads, truths) if value is None))
    for question in reversed(space.questions):
        if question.id in needed:
            needed |= dependencies[question.id]
    return next(q for q in space.questions if q.id in needed and q.id not in assignment)


def _branches(space, question, assignment) -> list[dict]:
    asked = truth(question.asked_when, assignment, unanswered=None) if question.asked_when else True
    if not asked:
        return [{**assignment, question.id: ABSENT}]
    return [{**assignment, question.id: c.value} for c in space.classes[question.id]]


def sample_regions(space, conditions, samples: int, seed: int = 5) -> list[Region]:
    """Random complete assignments, each a region of one combination."""
    rng = random.Random(seed)
    regions = []
    for _ in range(samples):
        assignment = space.sample(rng)
        memo: dict = {}
        regions.append(Region(assignment, tuple(truth(c, assignment, unanswered=None, memo=memo) for c in conditions), 1))
    return regions


def explore(space, conditions, enough, budget: int = 20_000, samples: int = 20_000):
    """(regions, Coverage): exhaustive when it fits in the budget, else a random sample."""
    total = space.count({})
    try:
        regions = list(split(space, conditions, enough, budget))
        return regions, Coverage("exhaustive", total, total, len(regions), space.answer_sets())
    except TooLarge:
        regions = sample_regions(space, conditions, samples)
        return regions, Coverage("sampled", len(regions), total, len(regions), space.answer_sets())


def satisfiable(space, condition, budget: int = 20_000):
    """An assignment making `condition` true, None if none exists; raises TooLarge past the budget."""
    for region in split(space, [condition], lambda truths: truths[0] is not None, budget, counted=False):
        if region.truths[0] is True:
            return region.assignment
    return None
