"""Every check-in after every journal state: the check-in hazards proved, not sampled.

A check-in's rules read three kinds of value: the week's answers, values read from the
journal (the last advice, the first pain, counters such as weeks counted), and values
derived from both (checkin.yaml `derived:`: a condition, a sum, a choice between two
terms). The inputs are the journal values, each over its whole declared range, and the
answers; the derived values are computed as soon as what they read is known.

Each input is split into classes no test can tell apart: the stretches of its range
(pain 0 to 10, a counter up to 100,000) between the thresholds the rules, the hazards and
`asked_when` compare it with, carried back through the sums and choices that derive other
values from it (a sum of two values is cut at every threshold shifted by every value the
other can take, so that other must have a short range). The search (as analysis/search.py does for the
questionnaire) assigns one input at a time, only those an undecided condition still reads,
until the hazard's violation condition is decided; where it holds, the region is split
further until every rule is decided and one check-in from it is run through the engine to
confirm it. So a hazard that holds here holds for every check-in after every journal state.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from spinewise.review.analysis.search import TooLarge
from spinewise.rulebase.conditions import ABSENT, answer_tests, questions_read, truth

SHORT = 30  # a range of at most this many values is split into every value
BUDGET = 200_000  # regions per hazard before giving up (then: not proved)


@dataclass
class Variable:
    id: str
    classes: tuple  # representative values
    asked_when: object = None
    history: bool = False


class CheckinSpace:
    """The inputs of a check-in (journal values, then the answers) and how derived values follow."""

    def __init__(self, view, conditions, follows):
        checkin = view.checkin
        self.derived = [d for d in checkin.derived if d.how[0] != "journal"]
        journal = [d.question for d in checkin.derived if d.how[0] == "journal"]
        tests = [t for c in conditions for t in answer_tests(c)]
        tests += [t for q in checkin.questions if q.asked_when for t in answer_tests(q.asked_when)]
        tests += [t for d in self.derived for part in d.how[1:] if not isinstance(part, (str, int, tuple, type(None)))
                  for t in answer_tests(part)]
        domains = {q.id: q for q in journal + list(checkin.questions)}
        cuts = _cuts(tests, self.derived, domains)
        self.variables = [Variable(q.id, _classes(q, cuts.get(q.id, set()), follows if q.id == "last_disposition"
                                                  else None), None, True) for q in journal]
        self.variables += [Variable(q.id, _classes(q, cuts.get(q.id, set())), q.asked_when) for q in checkin.questions]
        self.by_id = {v.id: v for v in self.variables}
        self.order = [v for v in self.variables if not v.history] + [v for v in self.variables if v.history]
        self.inputs_of = self._inputs()

    def _inputs(self) -> dict:
        """Name -> the input variables it depends on (itself for an input; through derivations, and
        through the asked_when of the questions it reads)."""
        inputs: dict = {v.id: {v.id} for v in self.variables}
        for derived in self.derived:
            names = set()
            for part in derived.how[1:]:
                if isinstance(part, str):
                    names.add(part.lstrip("-"))
                elif isinstance(part, tuple):
                    names |= {term.lstrip("-") for term in part if isinstance(term, str)}
                elif part is not None and not isinstance(part, (int, bool)):
                    names |= set(questions_read(part))
            inputs[derived.question.id] = set().union(*(inputs.get(name, {name}) for name in names)) if names else set()
        for variable in self.variables:
            if variable.asked_when is not None:
                inputs[variable.id] = inputs[variable.id] | set().union(
                    *(inputs.get(name, {name}) for name in questions_read(variable.asked_when)))
        return inputs

    def extend(self, assignment: dict) -> dict:
        """The assignment with every derived value its inputs already decide."""
        values = dict(assignment)
        for derived in self.derived:
            value = _derive(derived.how, values)
            if value is not None:
                values[derived.question.id] = value
        return values

    def branches(self, variable: Variable, assignment: dict) -> list:
        asked = truth(variable.asked_when, assignment, unanswered=None) if variable.asked_when is not None else True
        if asked is None:
            raise RuntimeError(f"{variable.id} is asked depending on an unassigned value")
        if not asked:
            return [{**assignment, variable.id: ABSENT}]
        return [{**assignment, variable.id: value} for value in variable.classes]

    def next_variable(self, assignment: dict, conditions, truths) -> Variable:
        needed: set = set()
        for condition, value in zip(conditions, truths):
            if value is None:
                for name in questions_read(condition):
                    needed |= self.inputs_of.get(name, set())
        grown = True
        while grown:  # what decides whether a needed question is asked is needed first
            extra = set().union(*(self.inputs_of.get(n, set()) for n in needed)) - needed
            grown = bool(extra)
            needed |= extra
        # The week's answers first (a warning sign answered no ends most branches at once), each
        # after the journal values and answers that decide whether it is asked.
        for variable in self.order:
            if variable.id in needed and variable.id not in assignment:
                return self._ready(variable, assignment)
        raise LookupError("no input left to split on")

    def _ready(self, variable: Variable, assignment: dict) -> Variable:
        if variable.asked_when is not None:
            for name in questions_read(variable.asked_when):
                for dependency in self.order:
                    if dependency.id in self.inputs_of.get(name, ()) and dependency.id not in assignment \
                            and dependency is not variable:
                        return self._ready(dependency, assignment)
        return variable

    def complete(self, assignment: dict, pick: int = 0) -> tuple[dict, dict]:
        """(journal values, check-in answers) of one check-in in the region: each value not yet set is the
        first of its classes (`pick` 0: the quietest week), or the one at `pick` (-1: the last)."""
        values = dict(assignment)
        for variable in self.variables:
            if variable.id not in values:
                branches = self.branches(variable, self.extend(values))
                values[variable.id] = branches[pick if -len(branches) <= pick < len(branches) else 0][variable.id]
        history = {v.id: values[v.id] for v in self.variables if v.history}
        answers = {v.id: values[v.id] for v in self.variables if not v.history and values[v.id] is not ABSENT}
        return history, answers


def search(space: CheckinSpace, conditions, enough, budget: int = BUDGET, start: dict | None = None):
    """Yield (assignment, truths) of every region where `enough(truths)`; TooLarge past `budget`."""
    found = 0
    stack = [dict(start or {})]
    while stack:
        assignment = stack.pop()
        values = space.extend(assignment)
        memo: dict = {}
        truths = tuple(truth(c, values, unanswered=None, memo=memo) for c in conditions)
        if enough(truths):
            found += 1
            if found > budget:
                raise TooLarge(found)
            yield assignment, truths
            continue
        try:
            variable = space.next_variable(values, conditions, truths)
        except LookupError:  # every input is set: a value still unknown was never derived (absent)
            truths = tuple(truth(c, values, unanswered=False) for c in conditions)
            found += 1
            yield assignment, truths
            continue
        stack.extend(reversed(space.branches(variable, values)))


def _derive(how, values: dict):
    kind = how[0]
    if kind == "when":
        decided = truth(how[1], values, unanswered=None)
        return decided
    if kind == "sum":
        terms = [_term(term, values) for term in how[1]]
        return None if any(t is None or t is ABSENT for t in terms) else sum(int(t) for t in terms)
    decided = truth(how[1], values, unanswered=None)
    if decided is None:
        return None
    term = _term(how[2] if decided else how[3], values)
    return None if term is ABSENT else term


def _term(term, values: dict):
    if term is None or isinstance(term, (bool, int)):
        return term
    if term.startswith("-"):
        value = values.get(term[1:])
        return None if value is None or value is ABSENT else -int(value)
    return values.get(term)


def _cuts(tests, derived, domains) -> dict:
    """Name -> the values where some test on it (or on a value derived from it) may change."""
    cuts: dict = {}
    for test in tests:
        values = test.value if isinstance(test.value, (list, tuple)) else [test.value]
        cuts.setdefault(test.question, set()).update(v + d for v in values if isinstance(v, int)
                                                     and not isinstance(v, bool) for d in (0, 1))
    ranges = {name: _values(q) for name, q in domains.items()}
    for item in derived:
        ranges.setdefault(item.question.id, _values(item.question))
    for item in reversed(derived):
        mine = cuts.get(item.question.id, set())
        if not mine:
            continue
        kind = item.how[0]
        if kind == "sum":
            terms = item.how[1]
            constant = sum(t for t in terms if isinstance(t, int) and not isinstance(t, bool))
            named = [(t.lstrip("-"), -1 if t.startswith("-") else 1) for t in terms if isinstance(t, str)]
            for place, (name, sign) in enumerate(named):
                if ranges.get(name) == [0, 1]:
                    continue  # yes or no: both are tried anyway
                others = named[:place] + named[place + 1:]
                for rest in _sums(others, ranges):
                    for cut in mine:
                        edge = sign * (cut - constant - rest)
                        cuts.setdefault(name, set()).update((edge, edge + 1))
        elif kind == "if":
            for term in item.how[2:4]:
                if isinstance(term, str):
                    sign = -1 if term.startswith("-") else 1
                    cuts.setdefault(term.lstrip("-"), set()).update(sign * c + d for c in mine for d in (0, 1))
    return cuts


def _sums(named, ranges) -> set:
    """Every sum the given (name, sign) terms can take; TooLarge when one of them ranges too far."""
    choices = []
    for name, sign in named:
        values = ranges.get(name)
        if values is None or len(values) > SHORT + 1:
            raise TooLarge(name)
        choices.append([sign * int(v) for v in values])
    return {sum(combo) for combo in itertools.product(*choices)} if choices else {0}


def _values(question):
    if question.type == "bool":
        return [0, 1]
    if question.type == "int" and question.maximum is not None and question.maximum - question.minimum <= SHORT:
        return list(range(question.minimum, question.maximum + 1))
    return None


def _classes(question, cuts: set, only=None) -> tuple:
    if question.type == "bool":
        return (False, True)
    if question.type in ("choice", "multi"):
        values = [c.value for c in question.choices if only is None or c.value in only]
        if question.type == "multi":  # every non-empty combination
            return tuple(list(combo) for size in range(1, len(values) + 1)
                         for combo in itertools.combinations(values, size))
        return tuple(values)
    low, high = question.minimum, question.maximum if question.maximum is not None else 10 ** 6
    return tuple(sorted({low} | {c for c in cuts if low < c <= high}))


def prove_checkin_hazard(view, triage, space, logic, conditions, hazard, broken_by) -> tuple:
    """(status, {"journal", "answers"} of a check-in that breaks it or None, what it gave): "proved" over
    every check-in, or "broken". `broken_by(result, values)` says how a run breaks the guarantee."""
    from spinewise.checkin.space import run_drawn
    from spinewise.rulebase.conditions import AllOf, Const, evaluate

    violation = AllOf((hazard.when or Const(True), logic.violation(hazard)))
    # plan_change_never's condition ignores conflicts and superseding: decide every rule, and let the
    # engine say. The other guarantees' conditions are exact: one check-in of the region confirms it.
    refine = "plan_change_never" in dict(hazard.guarantee)
    rules = list(conditions.values()) if refine else []
    for assignment, truths in search(space, [violation], lambda t: t[0] is not None):
        if truths[0] is not True:
            continue
        for leaf, _ in search(space, rules, lambda t: all(v is not None for v in t), start=assignment):
            history, answers = space.complete(leaf)
            result, values = run_drawn(triage, history, answers)
            if hazard.when is not None and not evaluate(hazard.when, values):
                continue
            failure = broken_by(result, values)
            if failure:
                findings = ", ".join(result.finding_codes) or "none"
                return "broken", {"journal": history, "answers": answers}, f"{failure}; findings: {findings}"
    return "proved", None, ""
