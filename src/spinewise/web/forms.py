"""Read one posted answer in the answers-file vocabulary, or say what is allowed.

A field is named by its question id: `true`/`false` for yes/no, a choice value, one value
per ticked box, or a whole number. Anything else is refused with a message for the
error summary (a catalogue message, in the page's language), never guessed.
"""

from __future__ import annotations

import re

from spinewise.i18n import gettext as _

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
        raise FieldError(_("Select yes or no"))
    raise FieldError(_("Select yes or no; %(value)s is not an answer to this question") % {"value": _quoted(values)})


def _whole_number(question, values):
    limits = {"low": question.minimum, "high": question.maximum}
    text = values[0].strip() if len(values) == 1 else ""
    if len(values) > 1:
        raise FieldError(_("Enter one number: a whole number from %(low)s to %(high)s") % limits)
    if not text:
        raise FieldError(_("Enter a whole number from %(low)s to %(high)s") % limits)
    if not WHOLE_NUMBER.fullmatch(text):
        raise FieldError(_("Enter a whole number from %(low)s to %(high)s, in digits only, like %(low)s") % limits)
    number = int(text)
    if number < question.minimum:
        raise FieldError(_("Enter a whole number from %(low)s to %(high)s; %(number)s is too low")
                         % {**limits, "number": number})
    if number > question.maximum:
        raise FieldError(_("Enter a whole number from %(low)s to %(high)s; %(number)s is too high")
                         % {**limits, "number": number})
    return number


def _choice(question, values):
    if len(values) == 1 and values[0] in question.allowed_values:
        return values[0]
    if not values:
        raise FieldError(_("Select one answer"))
    if len(values) > 1:
        raise FieldError(_("Select only one answer"))
    raise FieldError(_("Select one of the answers shown; %(value)s is not one of them") % {"value": _quoted(values)})


def _choices(question, values):
    if not values:
        raise FieldError(_("Select every answer that applies, at least one"))
    unknown = [value for value in values if value not in question.allowed_values]
    if unknown:
        raise FieldError(_("Select only the answers shown; %(value)s is not one of them") % {"value": _quoted(unknown)})
    if len(set(values)) != len(values):
        raise FieldError(_("Select each answer once"))
    return [value for value in question.allowed_values if value in values]


def typed_text(question, form) -> str:
    """What was typed in a number field, to show it again next to its error."""
    return form.get(question.id, "")[:20] if question.type == "int" else ""


def _quoted(values) -> str:
    text = ", ".join(values)
    return f"“{text[:30]}…”" if len(text) > 30 else f"“{text}”"
