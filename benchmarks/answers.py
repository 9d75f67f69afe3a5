"""Random valid answers objects, drawn from a rule base's own question vocabulary.

The same construction as tests/strategies.py, with `random` instead of hypothesis so a
benchmark can write thousands of cases quickly and reproducibly (seeded).
"""

from __future__ import annotations

import json
import random


def random_value(question, rng: random.Random):
    if question.type == "bool":
        return rng.random() < 0.5
    if question.type == "int":
        return rng.randint(question.minimum, question.maximum)
    if question.type == "choice":
        return rng.choice(question.allowed_values)
    values = list(question.allowed_values)
    return rng.sample(values, rng.randint(1, len(values)))


def random_answers(rulebase, rng: random.Random) -> dict:
    """A complete answers object: every question that would be asked, and no other."""
    answers: dict = {}
    for question in rulebase.questions:
        if question.is_asked(answers):
            answers[question.id] = random_value(question, rng)
    return answers


def write_cases(path, rulebase, count: int, seed: int = 6) -> None:
    """`count` random valid cases as JSONL, each with an "id", at `path`."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as sink:
        for number in range(count):
            sink.write(json.dumps({"id": number, **random_answers(rulebase, rng)}) + "\n")
