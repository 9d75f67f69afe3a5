"""A rule's condition in words in the language in use: the generic walker's Words (rulebase/conditions.py)
respoken with the questions' texts and answer labels as the lifter reads them and the operator,
finding, plan and condition phrases from the package catalogue. In English it is the walker's own."""

from __future__ import annotations

from dataclasses import replace

from spinewise.i18n import SOURCE, gettext, language, pgettext
from spinewise.rulebase.conditions import Words, words


def _verbs() -> dict:
    # Translators: how a rule's condition reads, "the answer to <question> is at least 7".
    return {
        "is yes": pgettext("condition", "is yes"), "is no": pgettext("condition", "is no"),
        "is": pgettext("condition", "is"), "is not": pgettext("condition", "is not"),
        "is one of": pgettext("condition", "is one of"), "is none of": pgettext("condition", "is none of"),
        "is at least": pgettext("condition", "is at least"), "is at most": pgettext("condition", "is at most"),
        "is more than": pgettext("condition", "is more than"), "is less than": pgettext("condition", "is less than"),
        "includes": pgettext("condition", "includes"), "does not include": pgettext("condition", "does not include"),
        "includes any of": pgettext("condition", "includes any of"),
        "includes none of": pgettext("condition", "includes none of"),
        "includes nothing but": pgettext("condition", "includes nothing but"),
        "includes something other than": pgettext("condition", "includes something other than"),
        "holds": pgettext("condition", "holds"), "does not hold": pgettext("condition", "does not hold"),
        "has been found": pgettext("condition", "has been found"),
        "has not been found": pgettext("condition", "has not been found"),
        "is planned": pgettext("condition", "is planned"), "is not planned": pgettext("condition", "is not planned"),
    }


def spoken(condition, rulebase, shown, expand: bool = False) -> Words:
    """A condition in words in the language in use: the questions' texts and answer labels as the
    lifter reads them, the operators and the finding, plan and condition phrases from the catalogue.
    English is the generic walker's own words."""
    if language() == SOURCE:
        return words(condition, rulebase, expand=expand)
    return _respoken(words(condition, shown, expand=expand), rulebase, shown, _verbs())


def _respoken(said_words: Words, rulebase, shown, verbs: dict) -> Words:
    if said_words.is_group:
        return replace(said_words, items=tuple(_respoken(item, rulebase, shown, verbs) for item in said_words.items))
    value = {"yes": pgettext("answer", "yes"), "no": pgettext("answer", "no")}.get(said_words.value, said_words.value)
    if said_words.kind == "answer" and " or " in value:  # the walker's "a, b or c" over labels already translated
        first, last = value.rsplit(" or ", 1)
        value = pgettext("condition", "%(first)s or %(last)s") % {"first": first, "last": last}
    subject = said_words.subject
    if said_words.kind == "finding":
        subject = gettext("the finding \u201c%(title)s\u201d") % {"title": shown.finding(said_words.code).title}
    elif said_words.kind == "plan":
        subject = gettext("the plan item \u201c%(title)s\u201d") % {"title": shown.plan_item(said_words.code).title}
    elif said_words.kind == "condition":
        # A condition's title is the rule writers' English; what it says to the lifter is translated.
        named = shown.condition(said_words.code)
        subject = gettext("the condition \u201c%(title)s\u201d") % {"title": named.says or named.title}
    return replace(said_words, subject=subject, verb=verbs.get(said_words.verb, said_words.verb), value=value)


def sentence(said: Words) -> str:
    """The whole condition as one line (in English exactly Words.sentence())."""
    if language() == SOURCE:
        return said.sentence()
    if said.is_group:
        joiner = " " + (pgettext("condition", "and") if said.kind == "all" else pgettext("condition", "or")) + " "
        return "(" + joiner.join(sentence(item) for item in said.items) + ")"
    test = f"{said.verb} {said.value}" if said.value else said.verb
    if said.kind == "answer" and not said.by_id:
        return gettext("the answer to \u201c%(question)s\u201d %(test)s") % {"question": said.subject, "test": test}
    return f"{said.subject} {test}"


def allowed_words(question) -> str:
    """The answers a question allows, for a reviewer, in the language in use: "yes or no",
    "one of: A (a); B (b)" (the question as the reader reads it: labels translated, values not)."""
    if question.type == "int":
        return gettext("a whole number from %(low)s to %(high)s") % {"low": question.minimum, "high": question.maximum}
    if question.type == "bool":
        return gettext("yes or no")
    labels = "; ".join(f"{choice.label} ({choice.value})" for choice in question.choices)
    if question.type == "choice":
        return gettext("one of: %(answers)s") % {"answers": labels}
    return gettext("one or more of: %(answers)s") % {"answers": labels}
