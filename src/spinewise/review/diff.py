"""`rules diff`: replay cases through two rule bases and report what a change would do.

The cases come from a file of saved answers, or are generated: the answer space is split
(see analysis/search.py) until every rule that differs between the two bases is decided, and,
where those rules conclude differently, until the most severe disposition the unchanged
rules give is decided too. One answer set per such region is replayed through both
engines; the regions not replayed are those where no changed rule can decide differently,
so the outcome there cannot change.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from spinewise.engine import load_triage
from spinewise.errors import AnswersError, SpinewiseError
from spinewise.review.cases import read_cases
from spinewise.review.analysis.inline import inline_facts, outcome, shape
from spinewise.review.analysis.search import explore
from spinewise.review.analysis.space import build_space
from spinewise.review.analysis.regions import Summary, merge_regions
from spinewise.review.render import render
from spinewise.rulebase.conditions import AnyOf


def diff_rules(old_dir, new_dir, cases_path=None, include_draft: bool = False):
    """What changes between two rule bases, on saved cases or on a generated covering set."""
    old, new = load_triage(old_dir, include_draft), load_triage(new_dir, include_draft)
    return diff_cases(old, new, cases_path) if cases_path else diff_generated(old, new)


def render_diff(report, fmt: str, generated: bool) -> str:
    if fmt == "json":
        return json.dumps(diff_json(report), indent=2, ensure_ascii=False) + "\n"
    return render("rules-diff.txt.j2", "text", diff=diff_view(report, generated))


class DiffError(SpinewiseError):
    """Two rule bases cannot be compared as asked."""


@dataclass(frozen=True)
class Outcome:
    disposition: str = ""
    findings: tuple = ()
    plan: tuple = ()  # of (code, attributes as sorted (name, value) pairs)
    error: str = ""

    @classmethod
    def of(cls, triage, answers: dict) -> "Outcome":
        try:
            result = triage.assess(answers)
        except AnswersError as exc:
            return cls(error=str(exc))
        plan = tuple((item.code, tuple(sorted((k, repr(v)) for k, v in item.attributes.items())))
                     for item in result.plan)
        return cls(result.disposition, tuple(result.finding_codes), plan)


@dataclass(frozen=True)
class Change:
    label: str  # the case's id, or the answers a generated case stands for
    answers: dict = field(hash=False, compare=False)
    old: Outcome = Outcome()
    new: Outcome = Outcome()
    combinations: int = 1
    lowers_urgency: bool = False

    @property
    def transition(self) -> tuple:
        return (self.old.disposition or "invalid", self.new.disposition or "invalid")

    def differences(self) -> list[str]:
        """What changed, in words: the disposition, findings gained or lost, plan items and levels."""
        if self.old.error or self.new.error:
            return [f"answers: {self.old.error or 'valid'} -> {self.new.error or 'valid'}"]
        lines = []
        if self.old.disposition != self.new.disposition:
            lines.append(f"disposition: {self.old.disposition} -> {self.new.disposition}")
        gained = [f"+{c}" for c in self.new.findings if c not in self.old.findings]
        lost = [f"-{c}" for c in self.old.findings if c not in self.new.findings]
        if gained or lost:
            lines.append("findings: " + " ".join(gained + lost))
        lines += _plan_differences(dict(self.old.plan), dict(self.new.plan))
        return lines


def _plan_differences(old: dict, new: dict) -> list[str]:
    gained = [f"+{code}" for code in new if code not in old]
    lost = [f"-{code}" for code in old if code not in new]
    lines = ["plan: " + " ".join(gained + lost)] if gained or lost else []
    for code in (c for c in new if c in old and new[c] != old[c]):
        before, after = dict(old[code]), dict(new[code])
        changed = [f"{name} {before.get(name, '-')} -> {after.get(name, '-')}"
                   for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]
        lines.append(f"plan {code}: " + ", ".join(changed))
    return lines


@dataclass(frozen=True)
class Transition:
    old: str
    new: str
    cases: int
    combinations: int
    lowers_urgency: bool


@dataclass(frozen=True)
class DiffReport:
    old_dir: str
    new_dir: str
    source: str  # where the cases came from, and how much of the answer space they stand for
    compared: int
    changes: tuple  # of Change
    invalid_in_both: int = 0
    included_drafts: bool = False
    baseline: dict = field(default_factory=dict, hash=False, compare=False)  # the new rule base's baseline lifter

    @property
    def transitions(self) -> tuple:
        counts: Counter = Counter()
        combinations: Counter = Counter()
        lowers: dict = {}
        for change in self.changes:
            counts[change.transition] += 1
            combinations[change.transition] += change.combinations
            lowers[change.transition] = change.lowers_urgency
        # Changes are already ordered (lowering urgency first); transitions keep that order.
        return tuple(Transition(old, new, counts[(old, new)], combinations[(old, new)], lowers[(old, new)])
                     for old, new in counts)

    @property
    def lowering(self) -> tuple:
        return tuple(change for change in self.changes if change.lowers_urgency)


def diff_cases(old_triage, new_triage, cases_path) -> DiffReport:
    """Replay every case in a saved-answers file through both rule bases."""
    changes, invalid = [], 0
    cases = read_cases(cases_path, need_answers_key=False)
    for case in cases:
        old, new = Outcome.of(old_triage, case.answers), Outcome.of(new_triage, case.answers)
        if old.error and new.error:
            invalid += 1
        elif old != new:
            label = case.label if case.label.startswith("line ") else f"{case.label} (line {case.line})"
            changes.append(_change(label, case.answers, old, new, 1, new_triage.rulebase))
    return DiffReport(old_triage.rulebase.directory, new_triage.rulebase.directory,
                      f"{len(cases)} cases from {Path(cases_path).name}", len(cases),
                      _ordered(changes, new_triage.rulebase), invalid,
                      new_triage.include_draft)


def _change(label, answers, old: Outcome, new: Outcome, combinations: int, rulebase) -> Change:
    ranks = {d.code: d.rank for d in rulebase.dispositions}
    lowers = bool(old.disposition and new.disposition) and ranks.get(new.disposition, 0) > ranks.get(old.disposition, 0)
    return Change(label, answers, old, new, combinations, lowers)


def diff_generated(old_triage, new_triage) -> DiffReport:
    """Replay a generated covering set: one answer set per region where a changed rule can matter."""
    old_base, new_base = old_triage.rulebase, new_triage.rulebase
    _same_questions(old_base, new_base)
    plan = _covering_plan(old_triage.rules, new_triage.rules, old_base, new_base)
    regions, coverage = explore(plan.space, plan.conditions, _enough(plan.delta, plan.everywhere),
                                budget=5_000, samples=5_000)
    replay = [region for region in regions if plan.everywhere or _differs(plan.delta, region.truths)]
    changes = _replay(old_triage, new_triage, plan.space, replay, coverage.method == "exhaustive")
    if not plan.delta and not plan.everywhere:
        source = (f"no case: the two rule bases run the same rules, so none of the {coverage.total:,} "
                  f"answer combinations can change")
    elif coverage.method == "exhaustive":
        source = (f"{len(replay)} generated cases standing for all {coverage.total:,} answer combinations "
                  f"(one answer per equivalence class); elsewhere no changed rule decides differently")
    else:
        source = f"{coverage.combinations:,} sampled answer combinations of {coverage.total:,} (too many to enumerate)"
    return DiffReport(old_base.directory, new_base.directory, source, len(replay), _ordered(changes, new_base), 0,
                      new_triage.include_draft, new_base.baseline)


@dataclass(frozen=True)
class _CoveringPlan:
    space: object
    conditions: list  # the changed rules' conditions, then one per disposition level
    delta: list  # (side, outcome) of each changed rule: -1 the old version, +1 the new
    everywhere: bool  # the vocabulary changed, so any answer may change


def _covering_plan(old_rules, new_rules, old_base, new_base) -> _CoveringPlan:
    old_c, new_c = inline_facts(old_rules), inline_facts(new_rules)
    common = {r.id for r in old_rules if _unchanged(r, old_c, new_rules, new_c)}
    changed = [(old_c[r.id], (-1, outcome(r))) for r in old_rules if r.id not in common]
    changed += [(new_c[r.id], (1, outcome(r))) for r in new_rules if r.id not in common]
    ranks = {d.code: d.rank for d in new_base.dispositions}
    # "Some unchanged rule gives this disposition or a more severe one", for each disposition.
    levels = [AnyOf(tuple(new_c[r.id] for r in new_rules
                          if r.id in common and r.disposition and ranks[r.disposition] <= rank))
              for rank in range(len(new_base.dispositions))]
    conditions = [condition for condition, _ in changed] + levels
    space = build_space(new_base, list(old_c.values()) + list(new_c.values()) + conditions)
    return _CoveringPlan(space, conditions, [conclusion for _, conclusion in changed],
                         _vocabulary(old_base) != _vocabulary(new_base))


def _replay(old_triage, new_triage, space, regions, exhaustive: bool) -> list:
    """Run one answer set per region through both engines; regions that change alike are merged."""
    groups: dict = {}
    for region in regions:
        answers = space.complete(region.assignment)
        old, new = Outcome.of(old_triage, answers), Outcome.of(new_triage, answers)
        if old != new:
            change = _change("", answers, old, new, region.combinations, new_triage.rulebase)
            groups.setdefault((change.transition, tuple(change.differences())), []).append((region, change))
    changes = []
    for group in groups.values():
        first = group[0][1]
        summaries = merge_regions(space, [region for region, _ in group]) if exhaustive else \
            [Summary("a sampled case", 1, space.complete(region.assignment)) for region, _ in group]
        changes += [replace(first, label=summary.description, answers=summary.example,
                            combinations=summary.combinations) for summary in summaries]
    return changes


def _ordered(changes, rulebase) -> tuple:
    """Changes that lower urgency first, then changes of disposition, most severe first."""
    ranks = {d.code: d.rank for d in rulebase.dispositions}
    return tuple(sorted(changes, key=lambda c: (not c.lowers_urgency, c.old.disposition == c.new.disposition,
                                                ranks.get(c.old.disposition, 99), ranks.get(c.new.disposition, 99))))


def _unchanged(rule, old_c, new_rules, new_c) -> bool:
    twin = next((r for r in new_rules if r.id == rule.id), None)
    return (twin is not None and shape(old_c[rule.id]) == shape(new_c[twin.id])
            and outcome(rule) == outcome(twin) and rule.salience == twin.salience)


def _enough(delta, everywhere: bool):
    count = len(delta)

    def enough(truths) -> bool:
        if None in truths[:count]:
            return False
        if not everywhere and not _differs(delta, truths):
            return True
        return None not in truths[count:]

    return enough


def _differs(delta, truths) -> bool:
    fired = Counter()
    for (side, result), value in zip(delta, truths):
        if value:
            fired[result] += side
    return any(fired.values())


def _vocabulary(rulebase) -> tuple:
    dispositions = tuple((d.code, d.required_plan) for d in rulebase.dispositions)
    plan = tuple((p.code, repr(sorted(p.attributes.items())), p.supersedes) for p in rulebase.plan_items)
    return dispositions, plan, rulebase.fallback_disposition


def _same_questions(old, new) -> None:
    def signature(q):
        return q.type, q.allowed_values, q.minimum, q.maximum, shape(q.asked_when) if q.asked_when else None

    old_q = {q.id: signature(q) for q in old.questions}
    new_q = {q.id: signature(q) for q in new.questions}
    differing = sorted(set(old_q) ^ set(new_q) | {q for q in old_q if q in new_q and old_q[q] != new_q[q]})
    if differing:
        raise DiffError(f"the two rule bases ask different questions ({', '.join(differing)}); "
                        "compare them on saved answers with --cases FILE.jsonl")


@dataclass(frozen=True)
class TransitionRow:
    text: str  # "corrective_program -> consultation", padded
    cases: int
    combinations: str  # "" for cases from a file
    lowers_urgency: bool


@dataclass(frozen=True)
class ChangeRow:
    number: int
    transition: str
    label_kind: str  # "when" for generated cases, "case" for saved ones
    label: str
    combinations: str
    differences: tuple
    example: str  # the answers replayed, as JSON, for generated cases
    lowers_urgency: bool


@dataclass(frozen=True)
class DiffView:
    old_dir: str
    new_dir: str
    source: str
    included_drafts: bool
    invalid_in_both: int
    generated: bool
    heading: str  # the transitions table's heading, aligned to its columns
    transitions: tuple
    changes: tuple
    lowering: int


def diff_view(report: DiffReport, generated: bool) -> DiffView:
    width = max([len(_arrow(t.old, t.new)) for t in report.transitions] + [0])
    transitions = tuple(TransitionRow(_arrow(t.old, t.new).ljust(width), t.cases,
                                      f"{t.combinations:,}" if generated else "", t.lowers_urgency)
                        for t in report.transitions)
    changes = tuple(ChangeRow(number, _arrow(*change.transition), "when" if generated else "case", change.label,
                              f"{change.combinations:,}" if generated else "", tuple(change.differences()),
                              _beyond_baseline(change.answers, report.baseline) if generated else "",
                              change.lowers_urgency)
                    for number, change in enumerate(report.changes, start=1))
    heading = "BY DISPOSITION (old -> new)".ljust(width + 3) + "  cases" + ("   answer combinations" if generated else "")
    return DiffView(report.old_dir, report.new_dir, report.source, report.included_drafts, report.invalid_in_both,
                    generated, heading, transitions, changes, len(report.lowering))


def _beyond_baseline(answers: dict, baseline: dict) -> str:
    changed = [f"{qid} {json.dumps(value)}" for qid, value in answers.items() if baseline.get(qid) != value]
    return (", ".join(changed) or "nothing") + "; every other answer as the baseline lifter in rulebase.yaml"


def _arrow(old: str, new: str) -> str:
    return f"{old} -> {new}" if old != new else f"{old}, unchanged"


def diff_json(report: DiffReport) -> dict:
    return {
        "old": report.old_dir, "new": report.new_dir, "replayed": report.source, "compared": report.compared,
        "changed": len(report.changes), "lowers_urgency": len(report.lowering),
        "invalid_in_both": report.invalid_in_both, "included_drafts": report.included_drafts,
        "transitions": [{"old": t.old, "new": t.new, "cases": t.cases, "combinations": t.combinations,
                         "lowers_urgency": t.lowers_urgency} for t in report.transitions],
        "changes": [{"case": c.label, "answers": c.answers, "combinations": c.combinations,
                     "lowers_urgency": c.lowers_urgency, "differences": c.differences(),
                     "old": _outcome_json(c.old), "new": _outcome_json(c.new)} for c in report.changes],
    }


def _outcome_json(outcome: Outcome) -> dict:
    if outcome.error:
        return {"error": outcome.error}
    return {"disposition": outcome.disposition, "findings": list(outcome.findings),
            "plan": [{"code": code, **{name: value for name, value in attributes}} for code, attributes in outcome.plan]}
