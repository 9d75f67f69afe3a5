"""Assess answers: validate them, run the compiled engine, and assemble one Result.

The engine is built once per rule base and reused: each case is a reset, one declared
`Answers` fact and a run. Assembly only ranks and orders what the rules concluded: the
most severe disposition any fired rule asked for wins, and every finding is kept.
"""

from __future__ import annotations

from spinewise.answers import check_answers
from spinewise.engine.compile import compile_engine_class
from spinewise.engine.facts import SCALARS, Answers, new_fact, thawed
from spinewise.result import FindingResult, PlanResult, Result

SAFETY_NET_RULE = "spinewise-safety-net"
SAFETY_NET_SOURCE = "spinewise: when no rule decides, triage up"


class _Ranks(dict):
    """Question id -> its place in the questionnaire; a value that is not a question comes last."""

    def __missing__(self, key):
        return len(self)


class Triage:
    """A rule base compiled into a ready experta engine."""

    def __init__(self, rulebase, include_draft: bool = False):
        self.rulebase = rulebase
        self.include_draft = include_draft
        self.rules = rulebase.active_rules(include_draft)
        self._order = {rule.id: index for index, rule in enumerate(self.rules)}
        self._question_order = _Ranks(rulebase.question_places)
        self.engine = compile_engine_class(self.rules)()
        self._stop = rulebase.roles.stop_disposition
        self._review = rulebase.review_counts(include_draft)
        # the vocabulary's lookups, once (the rule base finds a code by walking its list)
        self._disposition = {disposition.code: disposition for disposition in rulebase.dispositions}
        self._rank = {disposition.code: disposition.rank for disposition in rulebase.dispositions}
        self._by_rank = [disposition.code for disposition in rulebase.dispositions]
        self._supersedes = {item.code: item.supersedes for item in rulebase.plan_items}
        self._plan_order = {item.code: index for index, item in enumerate(rulebase.plan_items)}
        self._plan_entries = {rule.id: tuple((entry.code, entry.attributes) for entry in rule.plan) for rule in self.rules}
        self._plan_attributes = {item.code: item.attributes for item in rulebase.plan_items}
        self._phase = {(disposition.code, item.code): rulebase.phase_under(disposition.code, item.code)
                       for disposition in rulebase.dispositions for item in rulebase.plan_items}

    def fire(self, answers: dict) -> list:
        """(rule, because) for every rule that fired on these answers, in rule-base order."""
        self.engine.reset()
        self.engine.declare(new_fact(Answers, answers))
        self.engine.run()
        return sorted(self.engine.firings.values(), key=lambda firing: self._order[firing[0].id])

    def assess(self, answers: dict) -> Result:
        """Validate `answers` as the contract asks, then conclude. Raises one AnswersError naming every problem."""
        check = check_answers(self.rulebase, answers)
        # On the answers that passed: once they reach emergency, missing answers are allowed.
        result = self.conclude(check.valid, not_asked=check.missing)
        check.raise_problems(missing_allowed=result.disposition == self._stop)
        return result

    def conclude(self, answers: dict, not_asked=()) -> Result:
        """Run the rules on answers already checked, and assemble the result."""
        firings = self.fire(answers)
        disposition, findings = self._decide(firings)
        return Result(
            disposition=disposition,
            findings=tuple(findings),
            plan=self._plan(firings, disposition),
            answers=dict(answers),
            not_asked=tuple(not_asked),
            rules_fired=tuple(rule.id for rule, _ in firings),
            rulebase_version=self.rulebase.version,
            rulebase_hash=self.rulebase.content_hash,
            included_drafts=self.include_draft,
            review=self._review,
        )

    def _decide(self, firings):
        findings = [
            FindingResult(rule.finding, rule.id, self._in_question_order(because), rule.source)
            for rule, because in firings if rule.finding
        ]
        ranks = [self._rank[rule.disposition] for rule, _ in firings if rule.disposition]
        if ranks:
            return self._by_rank[min(ranks)], findings
        # A gap in the rule base: never fall back to "keep training".
        roles = self.rulebase.roles
        findings.append(FindingResult(roles.no_decision_finding, SAFETY_NET_RULE, {}, SAFETY_NET_SOURCE))
        return roles.no_decision_disposition, findings

    def _in_question_order(self, because: dict) -> dict:
        """A firing's answers as the lifter gave them, in the order the questions are asked."""
        ordered = {}
        for name in sorted(because, key=self._question_order.__getitem__) if len(because) > 1 else because:
            value = because[name]
            ordered[name] = value if type(value) in SCALARS else thawed(value)
        return ordered

    def _plan(self, firings, disposition: str) -> tuple:
        attributes: dict = {}  # plan code -> the attributes the rules give it (the rules' dicts, never changed)
        for rule, _ in firings:
            for code, given in self._plan_entries[rule.id]:
                earlier = attributes.get(code)
                if earlier is None:
                    attributes[code] = given
                elif given:
                    attributes[code] = {**earlier, **given}
        for code in self._disposition[disposition].required_plan:
            attributes.setdefault(code, {})
        superseded = set()
        for planned in attributes:
            superseded.update(self._supersedes[planned])
        plan = []
        for code in sorted(attributes, key=self._plan_order.__getitem__):
            if code not in superseded:
                merged = {**self._plan_attributes[code], **attributes[code]}
                plan.append(PlanResult(code, merged, self._phase[disposition, code]))
        return tuple(plan)
