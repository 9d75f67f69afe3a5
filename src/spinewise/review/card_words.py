"""A review card as a reviewer reads it in their language (`rules review --lang`).

What a reviewer signs is the card's SHA-256 over its language-independent lines (rulebase/shown.py):
the rule with its English texts. This module only changes what is displayed: each label in the
language in use, and each line's lifter-facing text as the lifter reads it in that language, with
the English it translates beside it (the translation is clinical content too, and the English is
what is hashed). Nothing here is hashed.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinewise.i18n import SOURCE, language, pgettext
from spinewise.rulebase.words import in_language


@dataclass(frozen=True)
class ShownLine:
    label: str  # in the language in use
    text: str  # in the language in use where the rule folder translates it
    source: str = ""  # the English the text translates, when it differs


def _labels() -> dict:
    # Translators: the labels of a review card: what each line of a rule's card shows a clinician.
    return {
        "Rule": pgettext("review card", "Rule"), "Status": pgettext("review card", "Status"),
        "Version": pgettext("review card", "Version"), "Runs at": pgettext("review card", "Runs at"),
        "When": pgettext("review card", "When"), "Parameter": pgettext("review card", "Parameter"),
        "Finding": pgettext("review card", "Finding"), "Disposition": pgettext("review card", "Disposition"),
        "Act within": pgettext("review card", "Act within"), "Said instead": pgettext("review card", "Said instead"),
        "Presentation": pgettext("review card", "Presentation"), "Moves": pgettext("review card", "Moves"),
        "Safety net": pgettext("review card", "Safety net"), "If worse": pgettext("review card", "If worse"),
        "Check again": pgettext("review card", "Check again"),
        "Disposition order": pgettext("review card", "Disposition order"),
        "Plan": pgettext("review card", "Plan"), "Plan details": pgettext("review card", "Plan details"),
        "Plan dose": pgettext("review card", "Plan dose"), "Plan phase": pgettext("review card", "Plan phase"),
        "Plan step": pgettext("review card", "Plan step"), "Level means": pgettext("review card", "Level means"),
        "Always with": pgettext("review card", "Always with"), "Supersedes": pgettext("review card", "Supersedes"),
        "Conflicts with": pgettext("review card", "Conflicts with"), "Source": pgettext("review card", "Source"),
        "Rationale": pgettext("review card", "Rationale"), "Tells": pgettext("review card", "Tells"),
        "Because": pgettext("review card", "Because"), "Question": pgettext("review card", "Question"),
        "Why it is asked": pgettext("review card", "Why it is asked"),
        "Warning sign": pgettext("review card", "Warning sign"), "Answers": pgettext("review card", "Answers"),
        "Answer says": pgettext("review card", "Answer says"), "Asked when": pgettext("review card", "Asked when"),
        "Derived": pgettext("review card", "Derived"), "Condition says": pgettext("review card", "Condition says"),
        "Example": pgettext("review card", "Example"),
        "Kept although it can never fire": pgettext("review card", "Kept although it can never fire"),
    }


def label_words(label: str) -> str:
    """A card's label in the language in use ("Check-in question" as "check-in" and the question's label)."""
    labels = _labels()
    if label.startswith("Check-in ") and label not in labels:
        inner = label[len("Check-in "):]
        inner = next((key for key in labels if key.lower() == inner), inner)
        return pgettext("review card", "Check-in: %(label)s") % {"label": labels.get(inner, inner)}
    return labels.get(label, label)


def shown_lines(card, translated_card=None) -> tuple:
    """The card's lines as displayed: labels in the language in use, and the texts of `translated_card`
    (the same card built from the rule base in the lifter's language) beside the English they translate."""
    if language() == SOURCE:
        return tuple(ShownLine(label, text) for label, text in card.lines)
    others = translated_card.lines if translated_card is not None else card.lines
    if len(others) != len(card.lines) or any(a[0] != b[0] for a, b in zip(others, card.lines)):
        others = card.lines  # a card that does not line up is shown as it is signed: in English
    return tuple(ShownLine(label_words(label), shown, text if shown != text else "")
                 for (label, text), (_, shown) in zip(card.lines, others))


def translated_rule_card(rulebase, rule):
    """The rule's card built from the rule base in the language in use (for display only)."""
    from dataclasses import replace

    from spinewise.review.condition_words import sentence, spoken
    from spinewise.rulebase.shown import rule_card

    if language() == SOURCE:
        return None
    shown = in_language(rulebase)
    card = rule_card(shown, rule)
    when = sentence(spoken(rule.when, rulebase, shown, expand=True))
    return replace(card, lines=tuple((label, when if label == "When" else text) for label, text in card.lines))
