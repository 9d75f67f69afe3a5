"""Static verification of a rule base over its whole answer space.

Finds, without running the engine: answer combinations no rule gives a disposition to
(gaps, errors), rules that can fire together and set the same plan attribute to
different values (errors), two conflicting plan items a report can show in one phase
(errors), rules that can never fire (errors, unless the rule says why it is kept with
`unreachable:`), rules made redundant by another with the same
conclusions, rules that draw the same finding with different dispositions, plan items a
rule makes current beside a referral, and vocabulary nothing produces (warnings).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from spinewise.review.analysis.inline import inline_facts
from spinewise.review.analysis.regions import merge_regions
from spinewise.review.analysis.search import TooLarge, explore, satisfiable
from spinewise.review.analysis.space import build_space
from spinewise.rulebase.conditions import AllOf, AnyOf, Const, Not, fact_tests
from spinewise.rulebase.yamlsource import Problem

GAPS_LISTED = 10


@dataclass(frozen=True)
class Verification:
    problems: tuple  # of Problem
    coverage: str  # how the answer space was covered, in words


def verify(rulebase) -> Verification:
    """Verify the approved rules; when drafts exist, also what changes once they run too."""
    problems, coverage = _verify(rulebase, rulebase.active_rules())
    if any(rule.status == "draft" for rule in rulebase.rules):
        seen = {p.message for p in problems}
        with_drafts, _ = _verify(rulebase, rulebase.active_rules(include_draft=True))
        problems += [Problem(p.file, p.line, f"with draft rules included: {p.message}", p.severity)
                     for p in with_drafts if p.message not in seen]
    return Verification(tuple(problems), coverage)


def _verify(rulebase, rules) -> tuple[list[Problem], str]:
    conditions = inline_facts(rules)
    space = build_space(rulebase, conditions.values())
    gaps, coverage = _gaps(rulebase, rules, conditions, space)
    solver = _Solver(space)
    dead = {rule.id for rule in rules if solver.possible(conditions[rule.id]) is False}
    reachable = [rule for rule in rules if rule.id not in dead]
    problems = gaps + [_never_fires(rule) for rule in rules if rule.id in dead and not rule.unreachable]
    problems += _pairs(reachable, conditions, solver)
    problems += _current_beside_referral(rulebase, reachable, conditions, solver)
    problems += _conflicting_plan_items(rulebase, reachable, conditions, solver)
    problems += _unproduced(rulebase, rules)
    if solver.skipped:
        coverage += (f"; the rule base is too large to compare every pair of rules: {solver.skipped:,} "
                     f"comparisons were skipped, so some redundant or conflicting rules may be unreported")
    return problems, coverage


class _Solver:
    """Answers "can this condition hold?" within a total budget of searches, so huge rule bases finish."""

    SEARCHES = 4_000

    def __init__(self, space):
        self.space, self.left, self.skipped = space, self.SEARCHES, 0

    def possible(self, condition):
        """True, False, or None when it is too costly to tell."""
        if self.left <= 0:
            self.skipped += 1
            return None
        self.left -= 1
        try:
            return satisfiable(self.space, condition) is not None
        except TooLarge:
            return None


def _gaps(rulebase, rules, conditions, space) -> tuple[list[Problem], str]:
    deciding = [conditions[rule.id] for rule in rules if rule.disposition]
    regions, coverage = explore(space, deciding, lambda truths: True in truths or all(v is False for v in truths))
    gaps = merge_regions(space, [region for region in regions if True not in region.truths])
    file, line = _rulebase_file(rulebase), _line_in(Path(rulebase.directory) / "rulebase.yaml", "when_no_rule_decides")
    problems = []
    for gap in gaps[:GAPS_LISTED]:
        problems.append(Problem(file, line, (
            f"gap: no rule gives a disposition when {gap.description} ({gap.combinations:,} answer combinations; "
            f"spinewise falls back to {rulebase.fallback_disposition} with finding {rulebase.roles.no_decision_finding}); "
            f"for example {json.dumps(gap.example, separators=(',', ':'))}")))
    if len(gaps) > GAPS_LISTED:
        problems.append(Problem(file, line, f"gap: {len(gaps) - GAPS_LISTED} more gaps like the ones above"))
    return problems, coverage.describe()


def _never_fires(rule) -> Problem:
    reason = "no combination of answers satisfies its condition"
    if fact_tests(rule.when):
        reason += " (counting the findings and plan items other rules conclude)"
    return Problem(rule.file, rule.line, (
        f"rule {rule.id} can never fire: {reason}; fix its condition, or, if it is kept on purpose, say why "
        f"in a line `unreachable: <why>`"))


def _pairs(rules, conditions, solver) -> list[Problem]:
    problems = []
    order = {rule.id: index for index, rule in enumerate(rules)}
    for index, first in enumerate(rules):
        for second in rules[index + 1:]:
            problems += _conflicts(first, second, conditions, solver)
        for other in rules:
            if other is not first and _redundant(first, other, order, conditions, solver):
                problems.append(Problem(first.file, first.line, (
                    f"rule {first.id} is redundant: whenever it fires, rule {other.id} ({other.file}:{other.line}) "
                    f"fires too and concludes everything it does"), "warning"))
                break
    return problems


def _conflicts(first, second, conditions, solver) -> list[Problem]:
    clashes = _attribute_clashes(first, second)
    mixed = first.finding and first.finding == second.finding and first.disposition and second.disposition \
        and first.disposition != second.disposition
    if not clashes and not mixed:
        return []
    if solver.possible(AllOf((conditions[first.id], conditions[second.id]))) is not True:
        return []  # never together, or too costly to tell (the coverage line then says so)
    where = f"rules {first.id} and {second.id} ({second.file}:{second.line}) can fire on the same answers"
    problems = [Problem(first.file, first.line, (
        f"conflict: {where} and set {code} {name} to {a!r} and {b!r}; which one the report shows "
        f"depends on rule order"), "error") for code, name, a, b in clashes]
    if mixed:
        problems.append(Problem(first.file, first.line, (
            f"conflict: {where} and both draw finding {first.finding}, one with disposition "
            f"{first.disposition} and one with {second.disposition}"), "warning"))
    return problems


def _attribute_clashes(first, second) -> list:
    clashes = []
    for a in first.plan:
        for b in second.plan:
            if a.code == b.code:
                clashes += [(a.code, name, a.attributes[name], b.attributes[name])
                            for name in a.attributes if name in b.attributes and a.attributes[name] != b.attributes[name]]
    return clashes


def _redundant(rule, other, order, conditions, solver) -> bool:
    if not _concludes_all(other, rule):
        return False
    if _concludes_all(rule, other) and order[rule.id] < order[other.id]:
        return False  # two identical rules: report the later one only
    return solver.possible(AllOf((conditions[rule.id], Not(conditions[other.id])))) is False


def _concludes_all(rule, other) -> bool:
    """Does `rule` conclude everything `other` does?"""
    if other.finding not in (None, rule.finding) or other.disposition not in (None, rule.disposition):
        return False
    planned = {(entry.code, repr(sorted(entry.attributes.items()))) for entry in rule.plan}
    return all((entry.code, repr(sorted(entry.attributes.items()))) in planned for entry in other.plan)


def _current_beside_referral(rulebase, rules, conditions, solver) -> list[Problem]:
    """A rule below a referral whose plan item a referral would still show as current.

    A referral moves the program to after a practitioner's clearance; an item that stays
    in the first phase beside it tells a lifter sent to a practitioner to do it now."""
    problems = []
    for rule in rules:
        if rule.disposition and rulebase.disposition(rule.disposition).referral:
            continue
        for entry in rule.plan:
            beside = [f"{referral.code} (with rule {giver.id}, {giver.file}:{giver.line})"
                      for referral, giver in _referrals_beside(rule, entry.code, rulebase, rules, conditions, solver)]
            if beside:
                problems.append(Problem(rule.file, rule.line, (
                    f"rule {rule.id} plans {entry.code}, which stays in the first phase ({rulebase.phases[0].code}) "
                    f"beside a referral it can fire together with: {', '.join(beside)}; a lifter sent to a "
                    f"practitioner would be told to do it now"), "warning"))
    return problems


def _referrals_beside(rule, code, rulebase, rules, conditions, solver):
    """(referral, a rule giving it) for each referral that shows `code` as current when `rule` fires too."""
    for referral in (d for d in rulebase.dispositions if d.referral):
        if not rulebase.is_current(referral.code, code) or code in referral.required_plan or \
                any(code in rulebase.plan_item(required).supersedes for required in referral.required_plan):
            continue  # shown later, or the referral asks for it (or for what replaces it) itself
        giver = next((other for other in rules if other.disposition == referral.code and solver.possible(
            AllOf((conditions[rule.id], conditions[other.id]))) is True), None)
        if giver:
            yield referral, giver


def _conflicting_plan_items(rulebase, rules, conditions, solver) -> list[Problem]:
    """Two plan items that conflict, shown in the same phase of one report."""
    plan_file = Path(rulebase.directory) / "plan.yaml"
    problems = []
    for disposition in rulebase.dispositions:
        reported = _reported(disposition, rulebase, rules, conditions)
        for first, second in _conflicting_pairs(rulebase):
            phase = rulebase.phase_under(disposition.code, first)
            if phase != rulebase.phase_under(disposition.code, second):
                continue
            both = AllOf((reported, _shown(first, disposition, rulebase, rules, conditions),
                          _shown(second, disposition, rulebase, rules, conditions)))
            if solver.possible(both) is True:
                problems.append(Problem(str(plan_file), _line_in(plan_file, f"code: {first}"), (
                    f"conflict: plan items {first} and {second} are declared conflicting but one report with "
                    f"disposition {disposition.code} can show both in phase {phase}"), "error"))
    return problems


def _conflicting_pairs(rulebase) -> list[tuple]:
    pairs = []
    for item in rulebase.plan_items:
        for other in item.conflicts_with:
            if (other, item.code) not in pairs:
                pairs.append((item.code, other))
    return pairs


def _reported(disposition, rulebase, rules, conditions):
    """A rule gives `disposition` and none gives a more severe one."""
    severer = {d.code for d in rulebase.dispositions if d.rank < disposition.rank}
    gives = _any(conditions[r.id] for r in rules if r.disposition == disposition.code)
    return AllOf((gives, Not(_any(conditions[r.id] for r in rules if r.disposition in severer))))


def _shown(code, disposition, rulebase, rules, conditions):
    """The report shows plan item `code`: it is planned and no planned item supersedes it."""
    superseders = [item.code for item in rulebase.plan_items if code in item.supersedes]
    return AllOf((_planned(code, disposition, rules, conditions),
                  Not(_any(_planned(other, disposition, rules, conditions) for other in superseders))))


def _planned(code, disposition, rules, conditions):
    if code in disposition.required_plan:
        return Const(True)
    return _any(conditions[r.id] for r in rules if any(entry.code == code for entry in r.plan))


def _any(conditions):
    items = tuple(conditions)
    return AnyOf(items) if items else Const(False)


def _unproduced(rulebase, rules) -> list[Problem]:
    folder = Path(rulebase.directory)
    rules = tuple(rules) + tuple(rule for rule in rulebase.checkin_rules if rule.status == "approved")
    findings = {rule.finding for rule in rules} | {rulebase.roles.no_decision_finding}
    planned = {entry.code for rule in rules for entry in rule.plan}
    planned |= {code for d in rulebase.dispositions for code in d.required_plan}
    given = {rule.disposition for rule in rules} | {rulebase.fallback_disposition}
    problems = [Problem(str(folder / "findings.yaml"), _line_in(folder / "findings.yaml", f"code: {f.code}"),
                        f"finding {f.code} is drawn by no rule that runs", "warning")
                for f in rulebase.findings if f.code not in findings]
    problems += [Problem(str(folder / "plan.yaml"), _line_in(folder / "plan.yaml", f"code: {p.code}"),
                         f"plan item {p.code} is planned by no rule that runs and required by no disposition",
                         "warning") for p in rulebase.plan_items if p.code not in planned]
    problems += [Problem(_rulebase_file(rulebase), _line_in(folder / "rulebase.yaml", f"code: {d.code}"),
                         f"disposition {d.code} is given by no rule that runs", "warning")
                 for d in rulebase.dispositions if d.code not in given]
    return problems


def _rulebase_file(rulebase) -> str:
    return str(Path(rulebase.directory) / "rulebase.yaml")


def _line_in(path: Path, text: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    return next((number for number, line in enumerate(lines, 1) if text in line), 1)

