"""What a person may type at a question: one Click parameter type per question type.

Besides an answer, `?` or `why` asks why the question is there (in plain words), `??` lists
the rules that use the answer, and `back` returns to the previous question; both come back as markers instead of values so the interview decides.
"""

from __future__ import annotations

from spinewise.i18n import gettext

import enum
import re

import click


class Command(enum.Enum):
    WHY = "why"
    RULES = "rules"
    BACK = "back"


_COMMANDS = {"?": Command.WHY, "why": Command.WHY, "??": Command.RULES, "back": Command.BACK}


class YesNo(click.ParamType):
    """y/yes or n/no, as click.confirm reads them."""

    name = "yes/no"

    def convert(self, value, param, ctx):
        word = value.strip().lower()
        if word in ("y", "yes", gettext("y"), gettext("yes")):
            return True
        if word in ("n", "no", gettext("n"), gettext("no")):
            return False
        self.fail(gettext("please type y or n."), param, ctx)


class WholeNumber(click.IntRange):
    """An integer in the question's range, with a message that says what to type."""

    def convert(self, value, param, ctx):
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            self.fail(gettext("please type a whole number from %(low)s to %(high)s.") % {"low": self.min, "high": self.max}, param, ctx)


class NumberedChoice(click.ParamType):
    """One of the listed choices, by its number (or its code)."""

    name = "choice"

    def __init__(self, values):
        self.values = tuple(values)
        self._number = click.IntRange(1, len(self.values))

    def pick(self, text: str):
        if text in self.values:
            return text
        try:
            return self.values[self._number.convert(text, None, None) - 1]
        except click.BadParameter:
            return None

    def convert(self, value, param, ctx):
        picked = self.pick(value.strip().lower())
        if picked is None:
            self.fail(gettext("please type one number from 1 to %(high)s.") % {"high": len(self.values)}, param, ctx)
        return picked


class NumberedChoices(NumberedChoice):
    """One or more of the listed choices, numbers separated by commas or spaces."""

    name = "choices"

    def convert(self, value, param, ctx):
        parts = [part for part in re.split(r"[\s,;]+", value.strip().lower()) if part]
        picked = {self.pick(part) for part in parts}
        if not parts or None in picked:
            self.fail(gettext("please type one or more numbers from 1 to %(high)s, separated by commas "
                              "(for example 1,3).") % {"high": len(self.values)}, param, ctx)
        return [choice for choice in self.values if choice in picked]


class OrCommand(click.ParamType):
    """An answer of `inner`'s type, or one of the interview's commands (`?`, `why`, `??`, `back`)."""

    def __init__(self, inner: click.ParamType):
        self.inner = inner
        self.name = inner.name

    def convert(self, value, param, ctx):
        command = _COMMANDS.get(value.strip().lower()) if isinstance(value, str) else None
        return command or self.inner.convert(value, param, ctx)


def entry_type(question) -> click.ParamType:
    if question.type == "bool":
        inner = YesNo()
    elif question.type == "int":
        inner = WholeNumber(question.minimum, question.maximum)
    elif question.type == "choice":
        inner = NumberedChoice(question.allowed_values)
    else:
        inner = NumberedChoices(question.allowed_values)
    return OrCommand(inner)


def entry_prompt(question) -> str:
    """The line the cursor waits on, saying what to type."""
    if question.type == "bool":
        expected = gettext("y/n")
    elif question.type == "int":
        expected = f"{question.minimum}-{question.maximum}"
    elif question.type == "choice":
        expected = f"1-{len(question.choices)}"
    else:
        expected = gettext("one or more numbers, like 1,3")
    return gettext("Your answer (%(expected)s; ? = why)") % {"expected": expected}
