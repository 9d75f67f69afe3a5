"""Read one posted answer in the answers-file vocabulary, or say what is allowed.

A field is named by its question id: `true`/`false` for yes/no, a choice value, one value
per ticked box, or a whole number. Anything else is refused with a message for the
error summary, never guessed.
"""

from __future__ import annotations

import re

WHOLE_NUMBER = re.compile(r"\d{1,9}")


class FieldError(ValueError):
    """The posted answer is missing or not allowed; str() is the message the lifter sees."""


def read_answer(question, form):
    """The answer to `question` in `form` (a werkzeug MultiDict); raises FieldError."""
    values = form.getlist(question.id)
    if question.type == "bool":
        return _yes_no(values)
    if question.type == "int":
        return _whole_number(question, values)
    if question.type == "choice":
        return _choice(question, values)
    return _choices(question, values)


def _yes_no(values):
    if values in (["true"], ["false"]):
        return values == ["true"]
    if not values or values == [""]:
        raise FieldError("Select yes or no")
    raise FieldError(f"Select yes or no; {_quoted(values)} is not an answer to this question")


def _whole_number(question, values):
    allowed = f"a whole number from {question.minimum} to {question.maximum}"
    text = values[0].strip() if len(values) == 1 else ""
    if len(values) > 1:
        raise FieldError(f"Enter one number: {allowed}")
    if not text:
        raise FieldError(f"Enter {allowed}")
    if not WHOLE_NUMBER.fullmatch(text):
        raise FieldError(f"Enter {allowed}, in digits only, like {question.minimum}")
    number = int(text)
    if number < question.minimum:
        raise FieldError(f"Enter {allowed}; {number} is too low")
    if number > question.maximum:
        raise FieldError(f"Enter {allowed}; {number} is too high")
    return number


def _choice(question, values):
    if len(values) == 1 and values[0] in question.allowed_values:
        return values[0]
    if not values:
        raise FieldError("Select one answer")
    if len(values) > 1:
        raise FieldError("Select only one answer")
    raise FieldError(f"Select one of the answers shown; {_quoted(values)} is not one of them")


def _choices(question, values):
    if not values:
        raise FieldError("Select every answer that applies, at least one")
    unknown = [value for value in values if value not in question.allowed_values]
    if unknown:
        raise FieldError(f"Select only the answers shown; {_quoted(unknown)} is not one of them")
    if len(set(values)) != len(values):
        raise FieldError("Select each answer once")
    return [value for value in question.allowed_values if value in values]


def typed_text(question, form) -> str:
    """What was typed in a number field, to show it again next to its error."""
    return form.get(question.id, "")[:20] if question.type == "int" else ""


def _quoted(values) -> str:
    text = ", ".join(values)
    return f"“{text[:30]}…”" if len(text) > 30 else f"“{text}”"
