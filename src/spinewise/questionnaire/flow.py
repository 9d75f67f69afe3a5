"""The questionnaire's path, shared by the terminal interview and the web questionnaire.

Pure functions of the rule base and the answers so far: which question comes next (file
order of questions.yaml, `asked_when` honoured), "Question N of M to K", and whether the
answers already reach the disposition that stops the interview. No terminal, no web.
"""

from __future__ import annotations

from spinewise.i18n import gettext

from dataclasses import dataclass

from spinewise.rulebase.conditions import fact_tests, truth


def stop_disposition(rulebase):
    """The disposition whose advice is shown at once and that may end the questions early (a declared role)."""
    return rulebase.stop_disposition


def still_to_ask(rulebase, answers: dict):
    """The questions not yet answered that the answers so far say are asked, in file order."""
    return (q for q in rulebase.questions if q.id not in answers and q.is_asked(answers))


def next_question(rulebase, answers: dict):
    """The next question to ask, or None when every question that applies is answered."""
    return next(still_to_ask(rulebase, answers), None)


def answered(rulebase, answers: dict) -> list:
    """The answered questions, in file order."""
    return [q for q in rulebase.questions if q.id in answers]


def previous_question(rulebase, answers: dict, question_id: str):
    """The answered question asked just before `question_id`, or None at the first one."""
    places = rulebase.question_places
    before = [q for q in answered(rulebase, answers) if places[q.id] < places[question_id]]
    return before[-1] if before else None


def may_still_ask(rulebase, answers: dict):
    """The questions not yet answered that later answers could still open (an upper bound)."""
    return (q for q in rulebase.questions
            if q.id not in answers and (q.asked_when is None or truth(q.asked_when, answers, unanswered=None) is not False))


@dataclass(frozen=True)
class Count:
    """How many questions: `fewest` if no further answer opens a follow-up, `most` if all do."""

    fewest: int
    most: int

    def __str__(self) -> str:
        return str(self.fewest) if self.fewest == self.most else \
            gettext("%(fewest)s to %(most)s") % {"fewest": self.fewest, "most": self.most}

    @property
    def one(self) -> bool:
        return self.most == 1


def remaining(rulebase, answers: dict) -> Count:
    """The questions still to come after `answers`, as the lifter will be asked them.

    `still_to_ask` and `may_still_ask` counted in one pass: a condition that holds (or
    fails) while answers are missing holds (or fails) whatever they turn out to be, so
    only an undecided one is read again as the answers stand."""
    fewest = most = 0
    for question in rulebase.questions:
        if question.id in answers:
            continue
        could = True if question.asked_when is None else truth(question.asked_when, answers, unanswered=None)
        if could is not False:
            most += 1
            fewest += could is True or question.is_asked(answers)
    return Count(fewest, most)


@dataclass(frozen=True)
class Progress:
    number: int  # this question's place among those asked
    total: Count  # answered plus still to come: it narrows as answers open or close follow-ups

    def __str__(self) -> str:
        return gettext("Question %(number)s of %(total)s") % {"number": self.number, "total": self.total}


def progress(rulebase, answers: dict, question_id: str) -> Progress:
    """Where `question_id` stands: "Question N of M" (or "of M to K") for the answers so far."""
    others = {qid: value for qid, value in answers.items() if qid != question_id}
    places = rulebase.question_places
    number = 1 + sum(1 for qid in others if places[qid] < places[question_id])
    left = remaining(rulebase, others)
    return Progress(number, Count(len(others) + left.fewest, len(others) + left.most))


def keep_asked(rulebase, answers: dict) -> dict:
    """`answers` without the answers to questions they no longer ask (after a changed answer)."""
    kept = dict(answers)
    while True:
        dropped = [qid for qid in kept if not rulebase.question(qid).is_asked(kept)]
        if not dropped:
            return kept
        for qid in dropped:
            del kept[qid]


def is_complete(rulebase, answers: dict) -> bool:
    return next_question(rulebase, answers) is None


def reaches_stop(triage, answers: dict) -> bool:
    """Whether the answers so far already call for the stop disposition."""
    return triage.conclude(answers).disposition == stop_disposition(triage.rulebase).code


def questions_deciding_stop(rulebase, rules):
    """The questions whose answers can change whether the stop disposition is reached, or None for all.

    When the stop disposition is the most severe, it is reached exactly when a rule that asks
    for it fires; such a rule reads its questions and the conclusions of other rules, which
    read theirs. An answer to any other question cannot change the verdict, so the engine
    need not run again for it.
    """
    stop = stop_disposition(rulebase)
    if stop.rank != 0:
        return None
    wanted = [rule for rule in rules if rule.disposition == stop.code]
    questions, seen = set(), set()
    while wanted:
        rule = wanted.pop()
        if rule.id in seen:
            continue
        seen.add(rule.id)
        questions.update(rule.questions)
        for fact in fact_tests(rule.when):
            wanted.extend(other for other in rules
                          if other.finding == fact.code or any(entry.code == fact.code for entry in other.plan))
    return frozenset(questions)
