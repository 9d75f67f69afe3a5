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
from spinewise.rulebase.conditions import AllOf, AnswerTest, AnyOf, Const, Not, truth


def diff_rules(old_dir, new_dir, cases_path=None, include_draft: bool = False):
    """What changes between two rule bases, on saved cases or on a generated covering set, and in
    the safety case, every file and the check-ins (diff_files.py)."""
    from spinewise.review.diff_files import checkin_changes, content_changes, safety_changes

    old, new = load_triage(old_dir, include_draft), load_triage(new_dir, include_draft)
    report = diff_cases(old, new, cases_path) if cases_path else diff_generated(old, new)
    return replace(report, safety=safety_changes(old.rulebase, new.rulebase),
                   files=content_changes(old.rulebase, new.rulebase),
                   checkins=checkin_changes(old.rulebase, new.rulebase, old, new))


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
    def of(cls, triage, answers: dict, adapt: bool = False) -> "Outcome":
        try:
            result = triage.assess(adapted(answers, triage.rulebase) if adapt else answers)
        except AnswersError as exc:
            return cls(error=str(exc))
        plan = tuple((item.code, tuple(sorted((k, repr(v)) for k, v in item.attributes.items())))
                     for item in result.plan)
        return cls(result.disposition, tuple(result.finding_codes), plan)


def adapted(answers: dict, rulebase) -> dict:
    """`answers` as a rule base that asks other questions takes them: answers to questions it does
    not ask dropped, a question it asks that the answers lack taken from its baseline lifter."""
    out: dict = {}
    for question in rulebase.questions:
        if not question.is_asked(out):
            continue
        if question.id in answers:
            out[question.id] = answers[question.id]
        elif question.id in rulebase.baseline:
            out[question.id] = rulebase.baseline[question.id]
        else:
            out[question.id] = False if question.type == "bool" else (
                question.minimum if question.type == "int" else (
                    question.allowed_values[0] if question.type == "choice" else [question.allowed_values[0]]))
    return out


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
    parameters: tuple = ()  # of (name, old value, new value, meaning) for every parameter that changed
    questions: tuple = ()  # of sentences: questions only one of the two asks, and how they were compared
    titles: dict = field(default_factory=dict, hash=False, compare=False)  # disposition code -> title
    safety: tuple = ()  # of diff_files.Line: the safety case's changes, hazards removed or weakened first
    files: tuple = ()  # of diff_files.Line: questions, dispositions, plan items and every other file
    checkins: tuple = ()  # of diff_files.Line: check-ins whose outcome changes

    @property
    def alarming(self) -> bool:
        """Whether `rules diff` exits 1: advice made less urgent, or a hazard removed or weakened."""
        return bool(self.lowering) or any(line.alarming for line in self.safety + self.files + self.checkins)

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
        """Changes a clinician must look at first: less urgent advice, or answers the new rules refuse."""
        return tuple(change for change in self.changes if change.lowers_urgency)


def diff_cases(old_triage, new_triage, cases_path) -> DiffReport:
    """Replay every case in a saved-answers file through both rule bases."""
    changes, invalid = [], 0
    cases = read_cases(cases_path, need_answers_key=False)
    old_base, new_base = old_triage.rulebase, new_triage.rulebase
    added, removed = _question_changes(old_base, new_base)
    space = build_space(new_base, inline_facts(new_triage.rules).values()) if added else None
    for case in cases:
        label = case.label if case.label.startswith("line ") else f"{case.label} (line {case.line})"
        for answers, said in _with_new_answers(case.answers, added, space, new_base):
            old = Outcome.of(old_triage, answers, adapt=bool(added or removed))
            new = Outcome.of(new_triage, answers, adapt=bool(removed))
            if old.error and new.error:
                invalid += 1
            elif old != new:
                changes.append(_change(label + said, answers, old, new, 1, new_base))
    return DiffReport(old_base.directory, new_base.directory,
                      f"{len(cases)} cases from {Path(cases_path).name}", len(cases),
                      _ordered(changes, new_base), invalid, new_triage.include_draft,
                      parameters=_parameter_changes(old_base, new_base),
                      questions=_question_notes(old_base, new_base, added, removed),
                      titles=_titles(old_base, new_base))


def _with_new_answers(answers, added, space, rulebase):
    """The saved answers, once per combination of answers to the questions only the new rules ask."""
    variants = [({}, "")]
    for qid in added:
        question = rulebase.question(qid)
        grown = []
        for extra, said in variants:
            if qid in answers or not question.is_asked({**answers, **extra}):
                grown.append((extra, said))
                continue
            grown += [({**extra, qid: c.value}, f"{said}, {qid} {c.label}") for c in space.classes[qid]]
        variants = grown
    return [({**answers, **extra}, said) for extra, said in variants]


def _question_changes(old, new) -> tuple:
    old_ids, new_ids = {q.id for q in old.questions}, {q.id for q in new.questions}
    return [q.id for q in new.questions if q.id not in old_ids], [q.id for q in old.questions if q.id not in new_ids]


def _question_notes(old, new, added, removed) -> tuple:
    notes = [f"new question {qid} (\"{new.question(qid).text}\"): every answer to it is tried" for qid in added]
    notes += [f"question {qid} is no longer asked: the old rules get their baseline answer "
              f"({old.baseline.get(qid, 'its first allowed answer')})" for qid in removed]
    return tuple(notes)


def _parameter_changes(old, new) -> tuple:
    before = {p.name: p for p in old.parameters}
    rows = []
    for p in new.parameters:
        if p.name not in before:
            rows.append((p.name, "(new)", str(p.value), " ".join(p.meaning.split())))
        elif before[p.name].value != p.value:
            rows.append((p.name, str(before[p.name].value), str(p.value), " ".join(p.meaning.split())))
    rows += [(name, str(p.value), "(removed)", " ".join(p.meaning.split()))
             for name, p in before.items() if name not in {q.name for q in new.parameters}]
    return tuple(rows)


def _titles(old, new) -> dict:
    """Kind ("disposition", "finding", "plan") -> code -> title, from both rule bases (the new one wins)."""
    return {kind: {**{e.code: e.title for e in getattr(old, attribute)}, **{e.code: e.title for e in getattr(new, attribute)}}
            for kind, attribute in (("disposition", "dispositions"), ("finding", "findings"), ("plan", "plan_items"))}


def _change(label, answers, old: Outcome, new: Outcome, combinations: int, rulebase) -> Change:
    ranks = {d.code: d.rank for d in rulebase.dispositions}
    lowers = bool(old.disposition and new.disposition) and ranks.get(new.disposition, 0) > ranks.get(old.disposition, 0)
    refused = bool(old.disposition) and not new.disposition  # "-> invalid": the new rules refuse a lifter
    return Change(label, answers, old, new, combinations, lowers or refused)


def diff_generated(old_triage, new_triage) -> DiffReport:
    """Replay a generated covering set: one answer set per region where a changed rule can matter."""
    old_base, new_base = old_triage.rulebase, new_triage.rulebase
    added, removed = _question_changes(old_base, new_base)
    differing = bool(added or removed or _asked_differently(old_base, new_base))
    plan = _covering_plan(old_triage.rules, new_triage.rules, old_base, new_base, differing)
    regions, coverage = explore(plan.space, plan.conditions, _enough(plan.delta, plan.everywhere),
                                budget=5_000, samples=5_000)
    replay = [region for region in regions if plan.everywhere or _differs(plan.delta, region.truths)]
    changes = _replay(old_triage, new_triage, plan.space, replay, coverage.method == "exhaustive", differing)
    if _asked_differently(old_base, new_base) and not (added or removed):
        # Lifters the old rules asked and the new do not (or the other way) are only in the old
        # rule base's answer space: replay its regions too, each answers set adapted to both.
        back = _covering_plan(new_triage.rules, old_triage.rules, new_base, old_base, True)
        more, extra = explore(back.space, back.conditions, _enough(back.delta, True), budget=5_000, samples=5_000)
        seen = {(c.transition, tuple(c.differences())) for c in changes}
        changes += [c for c in _replay(old_triage, new_triage, back.space, more, extra.method == "exhaustive", True,
                                       adapt_new=True)
                    if (c.transition, tuple(c.differences())) not in seen]
        replay += more
    total = plan.space.answer_sets()
    if not plan.delta and not plan.everywhere:
        source = (f"no case: the two rule bases run the same rules, so none of the {total:,} possible "
                  f"answer sets can change")
    elif coverage.method == "exhaustive":
        source = (f"{len(replay)} generated cases standing for all {total:,} possible answer sets; "
                  f"elsewhere no changed rule decides differently")
    else:
        source = f"{coverage.combinations:,} sampled answer sets of the {total:,} possible (too many to check every one)"
    return DiffReport(old_base.directory, new_base.directory, source, len(replay), _ordered(changes, new_base), 0,
                      new_triage.include_draft, new_base.baseline,
                      parameters=_parameter_changes(old_base, new_base),
                      questions=_question_notes(old_base, new_base, added, removed),
                      titles=_titles(old_base, new_base))


@dataclass(frozen=True)
class _CoveringPlan:
    space: object
    conditions: list  # the changed rules' conditions, then one per disposition level
    delta: list  # (side, outcome) of each changed rule: -1 the old version, +1 the new
    everywhere: bool  # the vocabulary changed, so any answer may change


def _covering_plan(old_rules, new_rules, old_base, new_base, differing: bool = False) -> _CoveringPlan:
    old_c, new_c = inline_facts(old_rules), inline_facts(new_rules)
    if differing:  # the old rules read removed questions as their baseline answer (see `adapted`)
        asked = {q.id for q in new_base.questions}
        fixed = {qid: value for qid, value in old_base.baseline.items() if qid not in asked}
        old_c = {rid: _fixed(condition, fixed, asked) for rid, condition in old_c.items()}
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
                         differing or _vocabulary(old_base) != _vocabulary(new_base))


def _fixed(condition, fixed: dict, asked: set):
    """`condition` with every test of a question the new rules do not ask decided by its fixed answer."""
    if isinstance(condition, AnswerTest):
        if condition.question in asked:
            return condition
        return Const(bool(truth(condition, fixed, unanswered=False)))
    if isinstance(condition, (AllOf, AnyOf)):
        return type(condition)(tuple(_fixed(item, fixed, asked) for item in condition.items))
    if isinstance(condition, Not):
        return Not(_fixed(condition.item, fixed, asked))
    return condition


def _replay(old_triage, new_triage, space, regions, exhaustive: bool, differing: bool = False,
            adapt_new: bool = False) -> list:
    """Run one answer set per region through both engines; regions that change alike are merged."""
    groups: dict = {}
    for region in regions:
        region = replace(region, combinations=space.answer_sets(region.assignment))
        answers = space.complete(region.assignment)
        old, new = Outcome.of(old_triage, answers, adapt=differing), Outcome.of(new_triage, answers, adapt=adapt_new)
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


def _asked_differently(old, new) -> list:
    """Questions both ask, but with other answers allowed or asked at other times."""
    def signature(q):
        return q.type, q.allowed_values, q.minimum, q.maximum, shape(q.asked_when) if q.asked_when else None

    old_q = {q.id: signature(q) for q in old.questions}
    new_q = {q.id: signature(q) for q in new.questions}
    return sorted(q for q in old_q if q in new_q and old_q[q] != new_q[q])


@dataclass(frozen=True)
class TransitionRow:
    text: str  # "Pause loaded hip thrusts ... -> Stop hip thrusts ...", in titles
    count: str  # "1 saved case" or "1,234,567 possible answer sets"
    lowers_urgency: bool  # less urgent advice, or answers the new rules refuse


@dataclass(frozen=True)
class ChangeRow:
    number: int
    transition: str
    label_kind: str  # "when" for generated cases, "case" for saved ones
    label: str
    count: str
    differences: tuple  # in words
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
    parameters: tuple  # of (name, old, new, meaning)
    questions: tuple  # of sentences
    advice: tuple  # of TransitionRow: lifters whose advice (disposition) changes
    same_advice: str  # how many changed only findings or plan, in words ("" when none)
    changes: tuple
    lowering: int
    safety: tuple = ()
    files: tuple = ()
    checkins: tuple = ()


def diff_view(report: DiffReport, generated: bool) -> DiffView:
    def counted(cases, answer_sets):
        if generated:
            return f"{answer_sets:,} possible answer set{'s' if answer_sets != 1 else ''}"
        return f"{cases} saved case{'s' if cases != 1 else ''}"

    advice = tuple(TransitionRow(_arrow(report, t.old, t.new), counted(t.cases, t.combinations), t.lowers_urgency)
                   for t in report.transitions if t.old != t.new)
    same = [t for t in report.transitions if t.old == t.new]
    same_advice = counted(sum(t.cases for t in same), sum(t.combinations for t in same)) if same else ""
    changes = tuple(ChangeRow(number, _arrow(report, *change.transition), "when" if generated else "case", change.label,
                              counted(1, change.combinations), tuple(_in_words(change, report)),
                              _beyond_baseline(change.answers, report.baseline) if generated else "",
                              change.lowers_urgency)
                    for number, change in enumerate(report.changes, start=1))
    return DiffView(report.old_dir, report.new_dir, report.source, report.included_drafts, report.invalid_in_both,
                    generated, report.parameters, report.questions, advice, same_advice, changes,
                    len(report.lowering), report.safety, report.files, report.checkins)


def _in_words(change, report) -> list:
    """What changed for this lifter, with titles instead of codes."""
    if change.old.error or change.new.error:
        return [f"answers: {change.old.error or 'accepted'} -> {change.new.error or 'accepted'}"]
    titles = report.titles or {"disposition": {}, "finding": {}, "plan": {}}
    name = lambda kind, code: titles[kind].get(code, code)  # noqa: E731
    lines = []
    if change.old.disposition != change.new.disposition:
        lines.append(f"advice: {_arrow(report, change.old.disposition, change.new.disposition)}")
    lines += [f"now finds: {name('finding', c)}" for c in change.new.findings if c not in change.old.findings]
    lines += [f"no longer finds: {name('finding', c)}" for c in change.old.findings if c not in change.new.findings]
    old_plan, new_plan = dict(change.old.plan), dict(change.new.plan)
    lines += [f"plan adds: {name('plan', c)}" for c in new_plan if c not in old_plan]
    lines += [f"plan drops: {name('plan', c)}" for c in old_plan if c not in new_plan]
    for code in (c for c in new_plan if c in old_plan and new_plan[c] != old_plan[c]):
        before, after = dict(old_plan[code]), dict(new_plan[code])
        moved = [f"{attribute.replace('_', ' ')} {_plain(before.get(attribute))} -> {_plain(after.get(attribute))}"
                 for attribute in sorted(set(before) | set(after)) if before.get(attribute) != after.get(attribute)]
        lines.append(f"plan {name('plan', code)}: " + ", ".join(moved))
    return lines


def _plain(value) -> str:
    return "-" if value is None else str(value).strip("'")


def _beyond_baseline(answers: dict, baseline: dict) -> str:
    changed = [f"{qid} {json.dumps(value)}" for qid, value in answers.items() if baseline.get(qid) != value]
    return (", ".join(changed) or "nothing") + "; every other answer as the baseline lifter in rulebase.yaml"


def _arrow(report, old: str, new: str) -> str:
    titles = (report.titles or {}).get("disposition", {})
    before = titles.get(old, old) if old != "invalid" else "answers accepted"
    after = titles.get(new, new) if new != "invalid" else "REFUSED as invalid"
    return f"{before} -> {after}" if old != new else f"{before} (unchanged)"


def diff_json(report: DiffReport) -> dict:
    return {
        "old": report.old_dir, "new": report.new_dir, "replayed": report.source, "compared": report.compared,
        "changed": len(report.changes), "lowers_urgency": len(report.lowering),
        "invalid_in_both": report.invalid_in_both, "included_drafts": report.included_drafts,
        "parameters": [{"name": n, "old": o, "new": v, "meaning": m} for n, o, v, m in report.parameters],
        "questions": list(report.questions),
        "safety": [{"change": line.text, "weakens": line.alarming} for line in report.safety],
        "files": [{"change": line.text, "alarming": line.alarming} for line in report.files],
        "checkins": [{"change": line.text, "lowers_urgency": line.alarming} for line in report.checkins],
        "transitions": [{"old": t.old, "new": t.new, "cases": t.cases, "answer_sets": t.combinations,
                         "lowers_urgency": t.lowers_urgency} for t in report.transitions],
        "changes": [{"case": c.label, "answers": c.answers, "answer_sets": c.combinations,
                     "lowers_urgency": c.lowers_urgency, "differences": c.differences(),
                     "old": _outcome_json(c.old), "new": _outcome_json(c.new)} for c in report.changes],
    }


def _outcome_json(outcome: Outcome) -> dict:
    if outcome.error:
        return {"error": outcome.error}
    return {"disposition": outcome.disposition, "findings": list(outcome.findings),
            "plan": [{"code": code, **{name: value for name, value in attributes}} for code, attributes in outcome.plan]}
