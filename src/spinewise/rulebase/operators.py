"""The whitelist of operators a rule condition may use, and the question types each fits.

This table is the whole condition language: a rule file names an operator from it, never
code. `spinewise questions` and the rulebook print it so a reviewer sees what is legal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class Operator:
    name: str
    applies_to: frozenset  # question types
    value_kind: str  # "none", "single" (one allowed value), "list" (several allowed values)
    meaning: str  # how the rulebook reads it: "<question> <meaning> <value>"
    test: Callable[[Any, Any], bool]


def _op(name, applies_to, value_kind, meaning, test):
    return name, Operator(name, frozenset(applies_to), value_kind, meaning, test)


OPERATORS: dict[str, Operator] = dict(
    [
        _op("is_true", {"bool"}, "none", "is yes", lambda answer, _: answer is True),
        _op("is_false", {"bool"}, "none", "is no", lambda answer, _: answer is False),
        _op("equals", {"int", "choice"}, "single", "is", lambda answer, value: answer == value),
        _op("not_equals", {"int", "choice"}, "single", "is not", lambda answer, value: answer != value),
        _op("one_of", {"int", "choice"}, "list", "is one of", lambda answer, values: answer in values),
        _op("at_least", {"int"}, "single", "is at least", lambda answer, value: answer >= value),
        _op("at_most", {"int"}, "single", "is at most", lambda answer, value: answer <= value),
        _op("more_than", {"int"}, "single", "is more than", lambda answer, value: answer > value),
        _op("less_than", {"int"}, "single", "is less than", lambda answer, value: answer < value),
        _op("contains", {"multi"}, "single", "includes", lambda answer, value: value in answer),
        _op("contains_any", {"multi"}, "list", "includes any of",
            lambda answer, values: any(v in answer for v in values)),
        _op("contains_only", {"multi"}, "list", "includes nothing but",
            lambda answer, values: all(v in values for v in answer)),
    ]
)

NEGATED_MEANING = {
    "is_true": "is no",
    "is_false": "is yes",
    "equals": "is not",
    "not_equals": "is",
    "one_of": "is none of",
    "at_least": "is less than",
    "at_most": "is more than",
    "more_than": "is at most",
    "less_than": "is at least",
    "contains": "does not include",
    "contains_any": "includes none of",
    "contains_only": "includes something other than",
}
