"""Which lifters a clinic looks at first (clinical knowledge section 10), as the rule base declares it.

attention.yaml lists attention *levels*, most urgent first, each with a condition over the
facts below (the condition language of the rules, so no code and no eval), the order within
the level and the reason in words. A lifter's level is the first whose condition holds; the
reasons are those of every level that holds. The facts are the same for every rule base: what
the clinic knows about a lifter from the latest entry of the shared journal and from the
practitioners' acknowledgements. Their value lists (dispositions, findings) come from the rule
base, so Python never names a code.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from spinewise.rulebase.conditions import ABSENT, truth
from spinewise.rulebase.model import Choice, Question

ORDERS = ("severity", "next_checkin")
# What a reason may say, filled from the lifter's state: {placeholder: what it is}.
PLACEHOLDERS = {
    "date": "the date of the latest entry",
    "disposition": "the title of the latest entry's disposition",
    "pain_change": "how many points the pain changed since the first assessment",
    "days_overdue": "how many days the next check-in is overdue",
    "next_checkin": "the date of the next check-in",
    "no_improvement_by": "the no-improvement date",
    "acknowledged_by": "who acknowledged the referral",
    "acknowledged_on": "the day it was acknowledged",
}


def fact_questions(dispositions, findings) -> dict:
    """The attention facts as the condition language reads them: id -> Question."""
    facts = [
        Question("latest_disposition", "choice", "the latest entry's disposition",
                 choices=tuple(Choice(d.code, d.title) for d in dispositions)),
        Question("latest_refers", "bool", "the latest entry refers the lifter to a practitioner"),
        Question("acknowledged", "bool", "a practitioner has acknowledged the latest entry's referral"),
        Question("pain_change", "int", "the latest pain minus the first assessment's (0-10 points)",
                 minimum=-10, maximum=10),
        Question("latest_findings", "multi", "the latest entry's findings",
                 choices=tuple(Choice(f.code, f.title) for f in findings)),
        Question("days_overdue", "int", "days since the next check-in was due (negative: not due yet)",
                 minimum=-10000, maximum=10000),
        Question("days_past_no_improvement", "int", "days since the no-improvement date (negative: before it)",
                 minimum=-10000, maximum=10000),
    ]
    return {q.id: q for q in facts}


@dataclass(frozen=True)
class AttentionText:
    """What a level says instead, for the lifters of the level for whom `when` holds (its own code,
    title and reason; the level's place and order are unchanged)."""

    code: str
    title: str
    reason: str
    when: object
    line: int = 0


@dataclass(frozen=True)
class AttentionLevel:
    code: str
    title: str
    reason: str  # a whole sentence with {placeholders}
    when: object | None = None  # None: every lifter
    order: str = "severity"
    line: int = 0
    instead: tuple = ()  # of AttentionText, the first that holds said instead of code, title and reason

    def said(self, facts: dict):
        """What the level says of a lifter with these facts: itself, or the first `instead` that holds."""
        return next((text for text in self.instead if truth(text.when, facts) is True), self)


@dataclass(frozen=True)
class AttentionHazard:
    """A lifter for whom `above` holds is never listed below one for whom it does not."""

    id: str
    hazard: str
    above: object
    controls: tuple = ()
    rationale: str = ""
    line: int = 0


@dataclass(frozen=True)
class Attention:
    levels: tuple  # of AttentionLevel, most urgent first
    facts: dict = field(hash=False, compare=False)  # id -> Question
    hazards: tuple = ()
    parameters: tuple = ()
    file: str = ""

    def holding(self, facts: dict) -> list[int]:
        """The index of every level whose condition holds for a lifter's facts, most urgent first."""
        return [index for index, level in enumerate(self.levels)
                if level.when is None or truth(level.when, facts) is True]

    def level_of(self, facts: dict) -> int:
        """The lifter's level: the first that holds (the last level when none does)."""
        held = self.holding(facts)
        return held[0] if held else len(self.levels) - 1


def reason_text(template: str, values: dict) -> str:
    """A level's reason with its placeholders filled (missing ones read as a dash)."""
    return string.Formatter().vformat(template, (), _Filled(values))


class _Filled(dict):
    def __missing__(self, key):
        return "-"


def placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def absent_facts(facts: dict) -> dict:
    """Facts with None values read as "not known" (no test matches them)."""
    return {key: (ABSENT if value is None else value) for key, value in facts.items()}


class _FactsAsQuestions:
    """The rule base as the condition language's `words` reads an attention condition: its facts are
    the questions (a fact the attention list does not declare is the rule base's own question)."""

    def __init__(self, rulebase):
        self._rulebase = rulebase

    def question(self, qid: str):
        found = self._rulebase.attention.facts.get(qid)
        return found if found is not None else self._rulebase.question(qid)

    def __getattr__(self, name):
        return getattr(self._rulebase, name)


def condition_sentence(rulebase, condition) -> str:
    """An attention condition in words, named conditions read through ("every lifter" for none)."""
    from spinewise.rulebase.conditions import words

    if condition is None:
        return "every lifter"
    return words(condition, _FactsAsQuestions(rulebase), expand=True).sentence()


CARD_ID = "attention"  # the attention list's card, signed with `rules review --attention`


def attention_lines(rulebase) -> tuple:
    """Everything that decides who a clinic sees first and what it reads: the levels in order, each with
    its condition, order and reason; the parameters they read; the dispositions' order and which
    refer; the hazards. The card a reviewer signs, and what the rulebook prints."""
    attention = rulebase.attention
    lines = []
    for number, level in enumerate(attention.levels, 1):
        lines += [("Level", f"{number}. {level.title} ({level.code})"),
                  ("When", condition_sentence(rulebase, level.when)),
                  ("Order within", "most severe disposition first, then the earliest next check-in"
                   if level.order == "severity" else "the earliest next check-in first"),
                  ("Reason", level.reason)]
        for text in level.instead:
            lines += [("Instead", f"{text.title} ({text.code})"),
                      ("When", condition_sentence(rulebase, text.when)),
                      ("Reason", text.reason)]
    lines += [("Parameter", f"{p.name} = {p.value} ({' '.join(str(p.meaning).split())})") for p in attention.parameters]
    lines.append(("Disposition order", " > ".join(d.code for d in rulebase.dispositions)))
    lines.append(("Referrals", ", ".join(d.code for d in rulebase.dispositions if d.referral) or "none"))
    for hazard in attention.hazards:
        lines += [("Hazard", f"{hazard.id}: {hazard.hazard}"),
                  ("Never listed below", condition_sentence(rulebase, hazard.above)),
                  ("Controlled by", ", ".join(hazard.controls))]
    return tuple(lines)
