"""Read and check an answers object against the question vocabulary.

Bad input is refused, never guessed: each problem is an AnswersError whose message
names the question and what is allowed, on one line.
"""

from __future__ import annotations

import json
import math

from spinewise.errors import AnswersError
from spinewise.rulebase.conditions import words


def parse_answers_json(data: bytes | str, source: str = "answers") -> dict:
    """Decode JSON text into a dict, refusing non-UTF-8, malformed JSON, NaN and repeated keys."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AnswersError(f"{source}: not UTF-8 text (bad byte at position {exc.start})") from None
    try:
        value = json.loads(data, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise AnswersError(f"{source}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError as exc:  # NaN, a repeated key, or an integer too long to convert
        reason = "a number has too many digits" if "digits" in str(exc) else str(exc)
        raise AnswersError(f"{source}: not valid answers JSON: {reason}") from None
    except RecursionError:
        raise AnswersError(f"{source}: not valid answers JSON: nested too deeply") from None
    if not isinstance(value, dict):
        raise AnswersError(f"{source}: must be a JSON object of question id to answer, not {_json_type(value)}")
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a valid answer")


def _unique_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"{key!r} is given twice")
        result[key] = value
    return result


def _json_type(value) -> str:
    return {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(type(value), "a number")


def check_given(rulebase, answers: dict) -> None:
    """Check every given answer: known id, right type, allowed value, and a question that is asked."""
    known = rulebase.questions_by_id
    for qid, value in answers.items():
        question = known.get(qid)
        if question is None:
            raise AnswersError(f"unknown question id {qid!r} (known ids: {', '.join(known)})")
        _check_value(question, value)
    for qid in answers:
        question = known[qid]
        if not question.is_asked(answers):
            raise AnswersError(f"{qid}: answered, but this question is only asked when "
                               f"{words(question.asked_when, rulebase, by_id=True, expand=True).sentence()}; remove it")


def missing_answers(rulebase, answers: dict) -> list[str]:
    """Question ids that would be asked given these answers but have no answer."""
    return [q.id for q in rulebase.questions if q.id not in answers and q.is_asked(answers)]


def missing_error(rulebase, qid: str) -> AnswersError:
    question = rulebase.question(qid)
    return AnswersError(f"{qid}: no answer given; expected {question.describe_allowed()}")


def _check_value(question, value) -> None:
    allowed = question.describe_allowed()
    shown = _show(value)
    if question.type == "bool":
        if not isinstance(value, bool):
            raise AnswersError(f"{question.id}: {shown} is not allowed; expected {allowed}")
    elif question.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            kind = "not a whole number" if isinstance(value, float) and math.isfinite(value) else "not allowed"
            raise AnswersError(f"{question.id}: {shown} is {kind}; expected {allowed}")
        if not question.minimum <= value <= question.maximum:
            raise AnswersError(f"{question.id}: {shown} is out of range; expected {allowed}")
    elif question.type == "choice":
        if not isinstance(value, str) or value not in question.allowed_values:
            raise AnswersError(f"{question.id}: {shown} is not allowed; expected {allowed}")
    else:
        if not isinstance(value, list) or not value:
            raise AnswersError(f"{question.id}: {shown} is not allowed; expected {allowed}")
        for item in value:
            if not isinstance(item, str) or item not in question.allowed_values:
                raise AnswersError(f"{question.id}: {_show(item)} is not allowed; expected {allowed}")
        if len(set(value)) != len(value):
            raise AnswersError(f"{question.id}: a value is listed twice; expected {allowed}")


def _show(value) -> str:
    text = json.dumps(value) if not isinstance(value, float) or math.isfinite(value) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."
