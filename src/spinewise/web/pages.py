"""What each page shows, as finished values: templates only loop and branch over these."""

from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list

from spinewise.i18n import language, pgettext
from spinewise.questionnaire import flow

KINDS = {"bool": "radio", "choice": "radio", "multi": "checkbox", "int": "number"}


@dataclass(frozen=True)
class Option:
    id: str
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class Back:
    """Where the back link goes: a question's own address, or the start page."""

    question: str | None
    label: str = "Back"


@dataclass(frozen=True)
class Warning:
    """The stop disposition's advice, kept on every page once an answer called for it."""

    title: str
    advice: str


@dataclass(frozen=True)
class QuestionPage:
    id: str
    kind: str  # radio, checkbox or number
    text: str
    hint: str
    section: str
    progress: str
    why: tuple  # of plain lines
    options: tuple  # of Option
    inline: bool  # yes/no side by side
    typed: str  # the number field's text
    minimum: int | None
    maximum: int | None
    error: str
    back: Back


@dataclass(frozen=True)
class Row:
    question_id: str
    question: str
    answer: str


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple  # of Row


@dataclass(frozen=True)
class CheckPage:
    sections: tuple  # of Section
    back: Back


@dataclass(frozen=True)
class StopPage:
    title: str
    advice: str
    remaining: str  # "12 to 21": the questions the lifter may still answer
    plural: bool
    back: Back


def question_page(question, rulebase, why: tuple, answers: dict, *, error: str = "", typed=None,
                  given=None) -> QuestionPage:
    """The page for `question`; `given` is the value to show checked (by default its current answer)."""
    given = answers.get(question.id) if given is None else given
    chosen = given if isinstance(given, list) else [given]
    options = tuple(Option(question.id if index == 0 else f"{question.id}-{value}", value, label,
                           value in [_form_value(item) for item in chosen if item is not None])
                    for index, (value, label) in enumerate(_options(question)))
    previous = flow.previous_question(rulebase, answers, question.id)
    return QuestionPage(
        id=question.id, kind=KINDS[question.type], text=question.text, hint=question.hint,
        section=question.section,
        progress=str(flow.progress(rulebase, answers, question.id)),
        why=why,
        options=options, inline=question.type == "bool",
        typed=typed if typed is not None else ("" if given is None or question.type != "int" else str(given)),
        minimum=question.minimum, maximum=question.maximum, error=error,
        back=Back(previous.id if previous else None),
    )


def _options(question) -> list:
    if question.type == "bool":
        return [("true", pgettext("answer label", "Yes")), ("false", pgettext("answer label", "No"))]
    return [(choice.value, choice.label) for choice in question.choices]


def _form_value(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def check_page(rulebase, answers: dict) -> CheckPage:
    sections: dict = {}
    for question in flow.answered(rulebase, answers):
        row = Row(question.id, question.text, answer_words(question, answers[question.id]))
        sections.setdefault(question.section, []).append(row)
    last = flow.answered(rulebase, answers)[-1]
    return CheckPage(tuple(Section(title, tuple(rows)) for title, rows in sections.items()), Back(last.id))


def answer_words(question, value) -> str:
    """An answer as the check page shows it, in the page's language: Yes or No as its radios said
    it, the choice, the number, or the boxes ticked as one list ("Glutes and lower back"), the
    labels lowered after the first as the report's sentences lower them."""
    if question.type == "bool":
        return pgettext("answer label", "Yes") if value else pgettext("answer label", "No")
    if question.type == "multi":
        labels = [question.answer_text([item]) for item in value]
        return format_list(labels[:1] + [label.lower() for label in labels[1:]], locale=language())
    return question.answer_text(value)


def stop_page(rulebase, answers: dict) -> StopPage:
    disposition = flow.stop_disposition(rulebase)
    left = flow.remaining(rulebase, answers)
    last = flow.answered(rulebase, answers)[-1]
    return StopPage(disposition.title, disposition.advice.strip(), str(left) if left.most else "", not left.one,
                    Back(last.id))


def warning(rulebase) -> Warning:
    disposition = flow.stop_disposition(rulebase)
    return Warning(disposition.title, disposition.advice.strip())
