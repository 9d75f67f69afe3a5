"""Prove the clinic's attention hazards (attention.yaml) over every combination of the facts.

The attention levels test a handful of facts with the condition language; every int test
compares with a fixed value, so the values either side of each compared value (and the ends
of the range) stand for all the others, and a finding list matters only through the codes the
levels test. The product of those values is every state the list can tell apart: a proof,
not a sample.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from spinewise.rulebase.conditions import ABSENT, answer_tests
from spinewise.rulebase.yamlsource import Problem

OPTIONAL_FACTS = ("days_overdue", "days_past_no_improvement")  # absent when no check-in or date applies


@dataclass(frozen=True)
class AttentionProof:
    hazard: str
    states: int
    broken_by: tuple | None  # (facts above, facts below) when a state breaks it


def attention_states(rulebase):
    """Every distinguishable state of one lifter: dicts of facts."""
    attention = rulebase.attention
    tests = [test for level in attention.levels if level.when is not None for test in answer_tests(level.when)]
    tests += [test for hazard in attention.hazards for test in answer_tests(hazard.above)]
    domains = {"acknowledged": [False, True]}
    for fact_id, question in attention.facts.items():
        if question.type == "int":
            values = {question.minimum, question.maximum, 0}
            for test in tests:
                if test.question == fact_id:
                    for value in (test.value if isinstance(test.value, list) else [test.value]):
                        values.update({value - 1, value, value + 1})
            values = sorted(v for v in values if question.minimum <= v <= question.maximum)
            domains[fact_id] = values + ([ABSENT] if fact_id in OPTIONAL_FACTS else [])
        elif question.type == "multi":
            codes = sorted({v for test in tests if test.question == fact_id
                            for v in (test.value if isinstance(test.value, list) else [test.value])})
            domains[fact_id] = [frozenset(c for c, keep in zip(codes, picks) if keep)
                                for picks in itertools.product([False, True], repeat=len(codes))]
    names = list(domains)
    for disposition in rulebase.dispositions:
        for values in itertools.product(*(domains[name] for name in names)):
            yield {"latest_disposition": disposition.code, "latest_refers": disposition.referral,
                   **dict(zip(names, values))}


def sort_key(rulebase, facts: dict) -> tuple:
    """Where a lifter's state puts them: (level, severity when the level orders by it)."""
    attention = rulebase.attention
    index = attention.level_of(facts)
    if attention.levels[index].order == "severity":
        ranks = {d.code: d.rank for d in rulebase.dispositions}
        return index, ranks[facts["latest_disposition"]]
    return index, None


def prove_attention(rulebase) -> list[AttentionProof]:
    from spinewise.rulebase.conditions import truth

    if rulebase.attention is None:
        return []
    proofs = []
    states = list(attention_states(rulebase))
    for hazard in rulebase.attention.hazards:
        above, below = {}, {}
        for facts in states:
            side = above if truth(hazard.above, facts) is True else below
            side.setdefault(sort_key(rulebase, facts), facts)
        broken = next(((a, b) for ka, a in above.items() for kb, b in below.items() if not _strictly_before(ka, kb)),
                      None)
        proofs.append(AttentionProof(hazard.id, len(states), broken))
    return proofs


def _strictly_before(first: tuple, second: tuple) -> bool:
    if first[0] != second[0]:
        return first[0] < second[0]
    return first[1] is not None and second[1] is not None and first[1] < second[1]


def attention_problems(rulebase, proofs: list[AttentionProof]) -> list[Problem]:
    hazards = {hazard.id: hazard for hazard in rulebase.attention.hazards} if rulebase.attention else {}
    problems = []
    for proof in proofs:
        if proof.broken_by is None:
            continue
        hazard = hazards[proof.hazard]
        above, below = (_shown(facts) for facts in proof.broken_by)
        problems.append(Problem(rulebase.attention.file, hazard.line,
                                f"attention hazard {hazard.id} is broken: a lifter with {above} can be listed "
                                f"at or below a lifter with {below}"))
    return problems


def attention_summary(proofs: list[AttentionProof]) -> str:
    held = sum(proof.broken_by is None for proof in proofs)
    states = proofs[0].states if proofs else 0
    return f"{held} of {len(proofs)} attention hazard(s) proved over all {states:,} states of a lifter"


def _shown(facts: dict) -> str:
    parts = []
    for name, value in facts.items():
        if value is ABSENT:
            continue
        if isinstance(value, frozenset):
            value = "[" + ", ".join(sorted(value)) + "]"
        parts.append(f"{name}={value}")
    return ", ".join(parts)
