"""The rule base as a weekly check-in sees it: the check-in questions and the rules marked
`at: checkin`, with the derived values readable as questions (for reports and `because`)."""

from __future__ import annotations

import dataclasses
import functools

from spinewise.errors import SpinewiseError


def checkin_view(rulebase):
    """A RuleBase whose questions are the check-in's and whose rules are those that run at a check-in."""
    if rulebase.checkin is None or rulebase.checkin.roles is None:
        raise SpinewiseError(f"the rule base in {rulebase.directory} has no weekly check-in (no checkin.yaml)")
    key = (rulebase.directory, rulebase.content_hash, id(rulebase))
    if key not in _VIEWS:
        _VIEWS[key] = (rulebase, _view(rulebase))
    return _VIEWS[key][1]


_VIEWS: dict = {}


def _view(rulebase):
    checkin = rulebase.checkin
    rules = tuple(dataclasses.replace(rule, when=_redefine(rule.when, checkin.redefined))
                  for rule in rulebase.checkin_rules)
    view = dataclasses.replace(rulebase, questions=checkin.questions, rules=rules, baseline=dict(checkin.baseline))
    # Derived values are not asked, but a report says what each one means for the lifter.
    view.__dict__["questions_by_id"] = {**{d.question.id: d.question for d in checkin.derived},
                                        **{q.id: q for q in checkin.questions}}
    return view


def _redefine(condition, redefined: dict):
    """`condition` with each named condition that checkin.yaml redefines read as it says there."""
    from spinewise.rulebase.conditions import AllOf, AnyOf, Named

    if isinstance(condition, Named):
        if condition.name in redefined:
            positive, negative = redefined[condition.name]
            return dataclasses.replace(condition, condition=negative if condition.negated else positive)
        return dataclasses.replace(condition, condition=_redefine(condition.condition, redefined))
    if isinstance(condition, (AllOf, AnyOf)):
        return type(condition)(tuple(_redefine(item, redefined) for item in condition.items))
    return condition


def checkin_triage(rules_dir=None, include_draft: bool = False):
    """The compiled engine over the check-in view, built once per process and rule folder."""
    from spinewise.rulebase import rules_folder

    return _triage(str(rules_folder(rules_dir).resolve()), include_draft)


@functools.lru_cache(maxsize=8)
def _triage(folder: str, include_draft: bool):
    from spinewise.engine.triage import Triage
    from spinewise.rulebase import load_rulebase_cached

    return Triage(checkin_view(load_rulebase_cached(folder)), include_draft)


def bound_view(view, history: dict):
    """The check-in view for one journal: each question's `asked_when` with the journal's values
    filled in, so a questionnaire that knows only the answers asks exactly what a check-in asks."""
    questions = tuple(dataclasses.replace(q, asked_when=_bind(q.asked_when, history)) if q.asked_when else q
                      for q in view.checkin.questions)
    bound = dataclasses.replace(view, questions=questions)
    bound.__dict__["questions_by_id"] = {**view.questions_by_id, **{q.id: q for q in questions}}
    return bound


def _bind(condition, values: dict):
    from spinewise.rulebase.conditions import AllOf, AnswerTest, AnyOf, Const, Named

    if isinstance(condition, AnswerTest) and condition.question in values:
        return Const(condition.holds_for(values[condition.question]))
    if isinstance(condition, (AllOf, AnyOf)):
        return type(condition)(tuple(_bind(item, values) for item in condition.items))
    if isinstance(condition, Named):
        return dataclasses.replace(condition, condition=_bind(condition.condition, values))
    return condition
