"""The safety case: prove each hazard's guarantee (safety.yaml) over every answers set.

Each guarantee is turned into the condition over answers under which it would be broken
("a nerve sign is answered yes and no rule giving emergency or worse fires"), built from
the rules' own conditions (analysis/inline.py) and the way the engine decides: the most
severe disposition any fired rule gives, else the rule base's fallback. The answer space
search (analysis/search.py) then either finds no answers set that satisfies it (proved,
over the whole space) or returns one; that answers set is replayed through the engine to
confirm it and is printed, so a clinician can see the lifter it fails.

Check-in hazards (`scope: checkin`) depend on the journal as well as the answers: they are
proved the same way over every check-in after every journal state, each journal value over
its whole declared range (analysis/checkin_search.py), with no sample.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from spinewise.review.analysis.inline import inline_facts
from spinewise.review.analysis.search import TooLarge, satisfiable
from spinewise.review.analysis.space import build_space
from spinewise.rulebase.conditions import AllOf, AnswerTest, AnyOf, Const, Named, Not, answer_tests, truth
from spinewise.rulebase.yamlsource import Problem


@dataclass(frozen=True)
class Proof:
    hazard: object  # Hazard
    status: str  # "proved", "broken", "not_proved" (too large to search, or no check-in it applied to) or
    #              "sampled" (a check-in hazard kept over every drawn check-in it applied to)
    how: str  # how it was verified, in words
    answers: dict | None = None  # an answers set that breaks it (a check-in's: {"journal": ..., "answers": ...})
    got: str = ""  # for a broken check-in hazard: what that check-in gave, in words
    drawn: int = 0  # for a check-in hazard: the seeded check-ins drawn


def prove_hazards(rulebase, include_draft: bool = False) -> list[Proof]:
    rules = rulebase.active_rules(include_draft)
    conditions = inline_facts(rules)
    hazards = [h for h in rulebase.hazards if h.scope == "assessment"]
    space = build_space(rulebase, list(conditions.values()) + [h.when for h in hazards if h.when is not None])
    logic = _Logic(rulebase, rules, conditions)
    total = space.answer_sets()
    checkins = _checkin_proofs(rulebase, [h for h in rulebase.hazards if h.scope == "checkin"], include_draft)
    proofs = []
    for hazard in rulebase.hazards:
        if hazard.scope != "assessment":
            proofs.append(checkins[id(hazard)])
            continue
        unasked = _unasked(rulebase, space, hazard)
        if unasked is not None:
            proofs.append(unasked)
            continue
        broken = AllOf((hazard.when or Const(True), logic.violation(hazard)))
        try:
            found = satisfiable(space, broken, budget=200_000)
        except TooLarge:
            proofs.append(Proof(hazard, "not_proved", "the answer space was too large to search"))
            continue
        if found is None:
            proofs.append(Proof(hazard, "proved", f"proved over all {total:,} possible answer sets"))
        else:
            proofs.append(Proof(hazard, "broken", "broken", space.complete(found)))
    return proofs


def _unasked(rulebase, space, hazard) -> Proof | None:
    """A hazard that reads a question some of the lifters it is about are never asked could never be
    broken for them: it would "prove" vacuously (a fever asked only without leg pain). Found as a lifter
    its other conditions name who is not asked the question and whom the hazard then leaves out; None
    when there is none."""
    if hazard.when is None:
        return None
    for qid in dict.fromkeys(test.question for test in answer_tests(hazard.when)):
        question = rulebase.questions_by_id.get(qid)
        if question is None or question.asked_when is None:
            continue
        about = _without(hazard.when, qid)
        if truth(about, {}, unanswered=None) is True:
            continue  # about everyone who answers it: its own asked_when says who that is
        try:
            found = satisfiable(space, AllOf((about, Not(question.asked_when), Not(hazard.when))), budget=200_000)
        except TooLarge:
            return Proof(hazard, "not_proved", f"the answer space was too large to search whether {qid} is always asked")
        if found is not None:
            return Proof(hazard, "unasked", qid, space.complete(found))
    return None


def _without(condition, qid: str):
    """`condition` with every test of question `qid` taken as holding."""
    if isinstance(condition, AnswerTest):
        return Const(True) if condition.question == qid else condition
    if isinstance(condition, Named):
        return _without(condition.condition, qid)
    if isinstance(condition, (AllOf, AnyOf)):
        return type(condition)(tuple(_without(item, qid) for item in condition.items))
    return condition


def _checkin_proofs(rulebase, hazards, include_draft: bool) -> dict:
    """The check-in hazards' proofs by id(hazard): each proved over every check-in after every journal
    state (analysis/checkin_search.py)."""
    if not hazards:
        return {}
    if rulebase.checkin is None or rulebase.checkin.roles is None:
        return {id(h): Proof(h, "not_proved", "the rule base has no weekly check-in (checkin.yaml) to check it over")
                for h in hazards}
    from spinewise.checkin.guarantees import guarantee_broken
    from spinewise.checkin.view import checkin_view
    from spinewise.engine.triage import Triage
    from spinewise.review.analysis.checkin_search import CheckinSpace, prove_checkin_hazard

    view = checkin_view(rulebase)
    triage = Triage(view, include_draft)
    rules = view.active_rules(include_draft)
    conditions = inline_facts(rules)
    logic = _Logic(view, rules, conditions)
    proofs = {}
    try:
        space = CheckinSpace(view, list(conditions.values()) + [h.when for h in hazards if h.when is not None],
                             view.checkin.roles.follows)
    except TooLarge as exc:
        return {id(h): Proof(h, "not_proved", f"the value {exc} ranges too far to split exactly") for h in hazards}
    for hazard in hazards:
        try:
            status, broken_by, got = prove_checkin_hazard(
                view, triage, space, logic, conditions, hazard,
                lambda result, values, hazard=hazard: guarantee_broken(view, hazard.guarantee, result, values))
        except TooLarge:
            proofs[id(hazard)] = Proof(hazard, "not_proved", "the check-ins were too many to search")
            continue
        if status == "broken":
            proofs[id(hazard)] = Proof(hazard, "broken", "broken", broken_by, got)
        else:
            proofs[id(hazard)] = Proof(hazard, "proved", "proved over every check-in after every journal state "
                                                         "(each journal value over its whole range)")
    return proofs


def safety_summary(proofs) -> str:
    """One line for `rules check`: how the safety case was verified, the check-in sample said as a sample."""
    proved = sum(1 for p in proofs if p.status == "proved" and p.hazard.scope == "assessment")
    proved_checkins = sum(1 for p in proofs if p.status == "proved" and p.hazard.scope == "checkin")
    sampled = sum(1 for p in proofs if p.status == "sampled")
    broken = sum(1 for p in proofs if p.status in ("broken", "not_proved", "unasked"))
    drawn = max((p.drawn for p in proofs), default=0)
    parts = [f"{proved} assessment hazard(s) proved over every answers set"]
    if proved_checkins:
        parts.append(f"{proved_checkins} check-in hazard(s) proved over every check-in after every journal state")
    if sampled:
        parts.append(f"{sampled} check-in hazard(s) kept over {drawn:,} seeded check-ins drawn across journal "
                     f"states (a sample, not a proof)")
    if broken:
        parts.append(f"{broken} broken or unproved")
    return "; ".join(parts)


def hazard_problems(rulebase, proofs, triage=None) -> list[Problem]:
    """`rules check` rows: an error for each broken or unproved hazard, naming an answers set that breaks it."""
    problems = []
    for proof in proofs:
        hazard = proof.hazard
        if proof.status == "broken" and hazard.scope == "checkin":
            problems.append(Problem(hazard.file, hazard.line, (
                f"hazard {hazard.id} is not prevented at a check-in: {hazard.hazard.rstrip('.')}; guarantee broken: "
                f"{guarantee_words(rulebase, hazard)}. For example this check-in ({proof.got}): journal values "
                f"{json.dumps(proof.answers['journal'], separators=(',', ':'))} and check-in answers "
                f"{json.dumps(proof.answers['answers'], separators=(',', ':'))}; "
                f"controlling rules: {', '.join(hazard.controls)}")))
        elif proof.status == "broken":
            got = ""
            if triage is not None:
                result = triage.conclude(proof.answers)
                got = f" (it gives: {rulebase.disposition(result.disposition).title}; findings: " \
                      f"{', '.join(result.finding_codes) or 'none'})"
            problems.append(Problem(hazard.file, hazard.line, (
                f"hazard {hazard.id} is not prevented: {hazard.hazard.rstrip('.')}; guarantee broken: {guarantee_words(rulebase, hazard)}. "
                f"For example these answers{got}: {json.dumps(proof.answers, separators=(',', ':'))}; "
                f"controlling rules: {', '.join(hazard.controls)}")))
        elif proof.status == "unasked":
            problems.append(Problem(hazard.file, hazard.line, (
                f"hazard {hazard.id} reads {proof.how}, which is not asked of some of the lifters it is about, so it "
                f"could never be broken for them and proves nothing: for example these answers "
                f"{json.dumps(proof.answers, separators=(',', ':'))}; ask {proof.how} of all of them (questions.yaml) "
                "or state the hazard for the lifters who are asked")))
        elif proof.status == "not_proved":
            problems.append(Problem(hazard.file, hazard.line, f"hazard {hazard.id} could not be proved: {proof.how}"))
    return problems


def guarantee_words(rulebase, hazard) -> str:
    """The guarantee in plain words, with titles, for the rulebook and the messages: whole catalogue
    phrases in the language in use (`rules check` speaks English; `rules doc --lang es` Spanish)."""
    from spinewise.i18n import gettext, pgettext
    from spinewise.review.condition_words import sentence, spoken
    from spinewise.rulebase.words import in_language

    shown = in_language(rulebase)
    either = (" " + pgettext("condition", "or") + " ").join

    def titles(codes, title):
        # Translators: a title quoted inside a guarantee, as in: the advice is never "Keep training"
        return either(pgettext("guarantee", '"%(title)s"') % {"title": title(code).title} for code in codes)

    moves = {"up": lambda: gettext('the plan never has "%(title)s" go up'),
             "down": lambda: gettext('the plan never has "%(title)s" go down'),
             "hold": lambda: gettext('the plan never has "%(title)s" hold'),
             "start": lambda: gettext('the plan never has "%(title)s" start')}
    parts = []
    for kind, value in hazard.guarantee:
        if kind == "disposition_at_least":
            parts.append(gettext('the advice is at least "%(title)s"') % {"title": shown.disposition(value).title})
        elif kind == "disposition_never":
            parts.append(gettext("the advice is never %(titles)s") % {"titles": titles(value, shown.disposition)})
        elif kind == "findings_never":
            parts.append(gettext("the report never finds %(titles)s") % {"titles": titles(value, shown.finding)})
        elif kind == "plan_never_now":
            parts.append(gettext("the plan never tells the lifter to do %(titles)s now") % {
                "titles": titles(value, shown.plan_item)})
        elif kind == "safety_net":
            parts.append(gettext("the report carries a safety net with the warning signs"))
        elif kind == "plan_change_never":
            parts += [(moves[change]() if change in moves else
                       gettext('the plan never has "%(title)s" go %(change)s')) % {
                "title": shown.plan_item(code).title, "change": change} for code, change in value]
    text = "; ".join(parts)
    scoped = dict(hazard.guarantee).get("when_disposition")
    if scoped:
        text = gettext("when the advice is %(titles)s, %(guarantee)s") % {
            "titles": titles(scoped, shown.disposition), "guarantee": text}
    if hazard.when is not None:
        text = gettext("when %(condition)s: %(guarantee)s") % {
            "condition": sentence(spoken(hazard.when, rulebase, shown)), "guarantee": text}
    return text


class _Logic:
    """Conditions over answers for what the engine concludes, built from the inlined rule conditions."""

    def __init__(self, rulebase, rules, conditions):
        self.rulebase, self.rules, self.conditions = rulebase, rules, conditions
        self.deciding = _any(conditions[r.id] for r in rules if r.disposition)

    def gives_rank_at_most(self, rank: int):
        """Some fired rule gives a disposition at least as severe as rank `rank`."""
        return _any(self.conditions[r.id] for r in self.rules
                    if r.disposition and self.rulebase.disposition(r.disposition).rank <= rank)

    def at_least(self, code: str):
        rank = self.rulebase.disposition(code).rank
        fallback_ok = self.rulebase.disposition(self.rulebase.fallback_disposition).rank <= rank
        given = self.gives_rank_at_most(rank)
        return AnyOf((given, Not(self.deciding))) if fallback_ok else given

    def disposition_is(self, code: str):
        rank = self.rulebase.disposition(code).rank
        gives = _any(self.conditions[r.id] for r in self.rules if r.disposition == code)
        exact = AllOf((gives, Not(self.gives_rank_at_most(rank - 1)))) if rank else gives
        if code == self.rulebase.fallback_disposition:
            return AnyOf((exact, Not(self.deciding)))
        return exact

    def finds(self, code: str):
        drawn = _any(self.conditions[r.id] for r in self.rules if r.finding == code)
        if code == self.rulebase.roles.no_decision_finding:
            return AnyOf((drawn, Not(self.deciding)))
        return drawn

    def shown_now(self, code: str):
        """Plan item `code` is shown in the report's first phase, what to do at once."""
        cases = []
        for disposition in self.rulebase.dispositions:
            if not self.rulebase.is_current(disposition.code, code):
                continue
            planned = Const(True) if code in disposition.required_plan else _any(
                self.conditions[r.id] for r in self.rules if any(e.code == code for e in r.plan))
            superseders = [item.code for item in self.rulebase.plan_items if code in item.supersedes]
            superseded = _any(Const(True) if other in disposition.required_plan else _any(
                self.conditions[r.id] for r in self.rules if any(e.code == other for e in r.plan)) for other in superseders)
            cases.append(AllOf((self.disposition_is(disposition.code), planned, Not(superseded))))
        return _any(cases)

    def violation(self, hazard):
        """The condition under which the hazard's guarantee is broken."""
        guarantee = dict(hazard.guarantee)
        scope = Const(True)
        if "when_disposition" in guarantee:
            scope = _any(self.disposition_is(code) for code in guarantee["when_disposition"])
        breaks = []
        for kind, value in hazard.guarantee:
            if kind == "disposition_at_least":
                breaks.append(Not(self.at_least(value)))
            elif kind == "disposition_never":
                breaks += [self.disposition_is(code) for code in value]
            elif kind == "findings_never":
                breaks += [self.finds(code) for code in value]
            elif kind == "plan_never_now":
                breaks += [self.shown_now(code) for code in value]
            elif kind == "safety_net":
                breaks.append(self._no_safety_net())
            elif kind == "plan_change_never":  # the engine confirms it (conflicts may drop the item)
                breaks += [_any(self.conditions[r.id] for r in self.rules
                                if any(e.code == code and e.attributes.get("change") == change for e in r.plan))
                           for code, change in value]
        return AllOf((scope, _any(breaks)))

    def _no_safety_net(self):
        """A report other than the one that stops the questionnaire whose safety net lists no warning sign."""
        if self.rulebase.safety_net_signs():
            return Const(False)
        stop = self.rulebase.roles.stop_disposition
        return _any(self.disposition_is(d.code) for d in self.rulebase.dispositions if d.code != stop)


def _any(conditions):
    items = tuple(conditions)
    return AnyOf(items) if items else Const(False)


def safety_case_file(rulebase) -> str:
    return str(Path(rulebase.directory) / "safety.yaml")
