"""`rules diff` beyond the replayed cases: the safety case, every file, and the weekly check-in.

The safety case leads: a hazard removed, its scope changed, its lifters narrowed (some lifter
the old hazard was about is not covered by the new one) or its guarantee weakened is marked
`!!` and makes `rules diff` exit 1, since a hazard that moves with the rules it holds to account
guards nothing. Then what changed in the questions (labels, choices, when they are asked), the
order of the dispositions and how they are shown, the plan items (phases, conflicts, texts),
and any other file of the folder, byte for byte (catalogues, README, sign-off records). The
check-ins are compared over every journal state: the check-in space is split until every
check-in rule that differs is decided, and each region where one fires is replayed through
both rule bases three ways (the rest of that check-in as the quietest week, the worst, and
one between: PICKS).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from spinewise.review.analysis.search import TooLarge, satisfiable
from spinewise.review.analysis.space import build_space
from spinewise.rulebase.conditions import AllOf, Const, Not, words


@dataclass(frozen=True)
class Line:
    text: str
    alarming: bool = False  # marked !!: a hazard removed or weakened, advice made less urgent


def safety_changes(old, new) -> tuple:
    """The safety case's changes, the alarming ones first."""
    old_hazards, new_hazards = {h.id: h for h in old.hazards}, {h.id: h for h in new.hazards}
    lines = []
    if old_hazards and not new_hazards:
        lines.append(Line(f"the safety case declares no hazard any more (it had {len(old_hazards)})", True))
    for hid, hazard in old_hazards.items():
        if hid not in new_hazards:
            lines.append(Line(f"hazard {hid} REMOVED: {hazard.hazard}", True))
            continue
        lines += _hazard_changes(old, new, hazard, new_hazards[hid])
    lines += [Line(f"hazard {hid} added: {h.hazard}") for hid, h in new_hazards.items() if hid not in old_hazards]
    lines += _attention_hazard_changes(old, new)
    return tuple(sorted(lines, key=lambda line: not line.alarming))


def _attention_hazard_changes(old, new) -> list:
    """The attention list's hazards (attention.yaml): one removed is marked !!, like a hazard of safety.yaml."""
    from spinewise.rulebase.attention import condition_sentence

    before = {h.id: h for h in old.attention.hazards} if old.attention is not None else {}
    after = {h.id: h for h in new.attention.hazards} if new.attention is not None else {}
    lines = [Line(f"attention hazard {hid} REMOVED: {h.hazard}", True) for hid, h in before.items() if hid not in after]
    lines += [Line(f"attention hazard {hid} added: {h.hazard}") for hid, h in after.items() if hid not in before]
    for hid in (h for h in before if h in after):
        was, now = condition_sentence(old, before[hid].above), condition_sentence(new, after[hid].above)
        if was != now:
            lines.append(Line(f"attention hazard {hid}: never listed below when {was} -> when {now}"))
        lines += _fields(f"attention hazard {hid}", before[hid], after[hid], ("hazard", "controls"))
    return lines


def attention_changes(old, new) -> list:
    """The clinic's attention list: levels added, removed or reordered, and each level's condition,
    reason, title and order within it (its parameters are among the parameters changed)."""
    from spinewise.rulebase.attention import condition_sentence

    if old.attention is None or new.attention is None:
        if old.attention is new.attention:
            return []
        return [Line("the clinic's attention list (attention.yaml) " + ("added" if old.attention is None else "REMOVED"),
                     old.attention is not None)]
    before = {level.code: level for level in old.attention.levels}
    after = {level.code: level for level in new.attention.levels}
    lines = [Line(f"attention level {code} removed (it was level {list(before).index(code) + 1})")
             for code in before if code not in after]
    lines += [Line(f"attention level {code} added as level {list(after).index(code) + 1}")
              for code in after if code not in before]
    kept_before, kept_after = [c for c in before if c in after], [c for c in after if c in before]
    if kept_before != kept_after:
        lines.append(Line(f"attention levels, most urgent first: {' > '.join(kept_before)} -> {' > '.join(kept_after)}"))
    for code in kept_after:
        was, now = condition_sentence(old, before[code].when), condition_sentence(new, after[code].when)
        if was != now:
            lines.append(Line(f"attention level {code}: when {was} -> when {now}"))
        lines += _fields(f"attention level {code}", before[code], after[code], ("title", "reason", "order"))
    return lines


def _hazard_changes(old, new, before, after) -> list:
    lines = []
    if before.scope != after.scope:
        lines.append(Line(f"hazard {before.id}: scope {before.scope} -> {after.scope} (proved over other cases)", True))
    old_when, new_when = _sentence(before.when, old), _sentence(after.when, new)
    if old_when != new_when:
        narrowed = _narrowed(new, before.when, after.when)
        lines.append(Line(f"hazard {before.id}: about lifters when {old_when} -> when {new_when}"
                          + (" (NARROWED: some lifters it was about are left out)" if narrowed else ""), narrowed))
    weaker = _weakened(old, new, dict(before.guarantee), dict(after.guarantee))
    if dict(before.guarantee) != dict(after.guarantee):
        lines.append(Line(f"hazard {before.id}: guarantee {_guarantee(before)} -> {_guarantee(after)}"
                          + (f" (WEAKENED: {weaker})" if weaker else ""), bool(weaker)))
    if before.hazard != after.hazard:
        lines.append(Line(f"hazard {before.id}: worded {before.hazard!r} -> {after.hazard!r}"))
    if before.controls != after.controls:
        lines.append(Line(f"hazard {before.id}: controlled by {', '.join(before.controls)} -> "
                          f"{', '.join(after.controls)}"))
    return lines


def _sentence(condition, rulebase) -> str:
    return "every lifter" if condition is None else words(condition, rulebase, expand=True).sentence()


def _narrowed(new, before, after) -> bool:
    """Whether some answers set the old `when` holds for is left out by the new one (True when unsure)."""
    if after is None:
        return False
    if before is None:
        before = Const(True)
    from spinewise.rulebase.conditions import questions_read

    if not set(questions_read(before)) | set(questions_read(after)) <= set(new.questions_by_id):
        return True  # about check-in values the answer space does not hold: say so rather than guess
    try:
        space = build_space(new, [before, after])
        return satisfiable(space, AllOf((before, Not(after))), budget=200_000) is not None
    except (TooLarge, KeyError, RuntimeError):
        return True


def _weakened(old, new, before: dict, after: dict) -> str:
    """How the new guarantee promises less than the old, in words ("" when it does not)."""
    said = []
    if "disposition_at_least" in before:
        was = old.disposition(before["disposition_at_least"]).rank
        now = after.get("disposition_at_least")
        if now is None or _rank(new, now) > was:
            said.append(f"at least {before['disposition_at_least']} -> {now or 'nothing'}")
    for kind in ("disposition_never", "findings_never", "plan_never_now"):
        lost = set(before.get(kind, ())) - set(after.get(kind, ()))
        if lost:
            said.append(f"{kind} no longer names {', '.join(sorted(lost))}")
    if before.get("safety_net") and not after.get("safety_net"):
        said.append("no safety net required")
    lost = set(before.get("plan_change_never", ())) - set(after.get("plan_change_never", ()))
    if lost:
        said.append(f"plan_change_never no longer names {', '.join(f'{c} {v}' for c, v in sorted(lost))}")
    if "when_disposition" in after and set(after["when_disposition"]) != set(before.get("when_disposition", ())) \
            and not set(before.get("when_disposition") or after["when_disposition"]) <= set(after["when_disposition"]):
        said.append("checked for fewer dispositions")
    return "; ".join(said)


def _title(rulebase, code: str) -> str:
    try:
        return rulebase.disposition(code).title
    except KeyError:
        return code


def _rank(rulebase, code: str) -> int:
    try:
        return rulebase.disposition(code).rank
    except KeyError:
        return len(rulebase.dispositions)


def _guarantee(hazard) -> str:
    return json.dumps({kind: list(value) if isinstance(value, tuple) else value for kind, value in hazard.guarantee},
                      sort_keys=True, default=str)


def content_changes(old, new) -> tuple:
    """Questions, dispositions and plan items as the lifter meets them, then every other file."""
    lines = []
    lines += _question_lines(old, new)
    old_order, new_order = [d.code for d in old.dispositions], [d.code for d in new.dispositions]
    if old_order != new_order:
        lines.append(Line(f"dispositions, most severe first: {' > '.join(old_order)} -> {' > '.join(new_order)}", True))
    for code in (c for c in old_order if c in new_order):
        lines += _fields(f"disposition {code}", old.disposition(code), new.disposition(code),
                         ("title", "advice", "safety_net", "if_worse", "style", "alert", "referral", "within_days",
                          "moves", "required_plan"))
    if old.roles is not None and new.roles is not None:
        lines += _fields("roles", old.roles, new.roles, ("if_worse", "check_again_days", "no_improvement_weeks"))
    old_plan, new_plan = {p.code: p for p in old.plan_items}, {p.code: p for p in new.plan_items}
    lines += [Line(f"plan item {c} removed") for c in old_plan if c not in new_plan]
    lines += [Line(f"plan item {c} added") for c in new_plan if c not in old_plan]
    for code in (c for c in old_plan if c in new_plan):
        lines += _fields(f"plan item {code}", old_plan[code], new_plan[code],
                         ("title", "text", "phase", "conflicts_with", "supersedes", "steps", "doses"))
    lines += attention_changes(old, new)
    lines += [Line(f"file {name} {how}") for name, how in _files(Path(old.directory), Path(new.directory))]
    return tuple(lines)


def _question_lines(old, new) -> list:
    lines = _compare_questions(old, new, old.questions, new.questions, "question")
    if old.checkin is not None and new.checkin is not None:
        lines += _compare_questions(old, new, old.checkin.questions, new.checkin.questions, "check-in question")
    return lines


def _compare_questions(old, new, before_questions, after_questions, kind: str) -> list:
    lines = []
    old_q = {q.id: q for q in before_questions}
    lines += [Line(f"{kind} {qid} removed") for qid in old_q if qid not in {q.id for q in after_questions}]
    for question in after_questions:
        before = old_q.get(question.id)
        if before is None:
            lines.append(Line(f"{kind} {question.id} added"))
            continue
        lines += _fields(f"{kind} {question.id}", before, question, ("text", "hint", "says", "sign", "minimum",
                                                                      "maximum"))
        labels = lambda q: [(c.value, c.label) for c in q.choices]  # noqa: E731
        if labels(before) != labels(question):
            lines.append(Line(f"{kind} {question.id}: answers {before.describe_allowed('labels')} -> "
                              f"{question.describe_allowed('labels')}"))
        was, now = _sentence(before.asked_when, old), _sentence(question.asked_when, new)
        if was != now:
            fewer = _narrowed(new, before.asked_when, question.asked_when)
            lines.append(Line(f"{kind} {question.id}: asked when {was} -> when {now}"
                              + (" (ASKED OF FEWER LIFTERS)" if fewer else ""), fewer))
    return lines


def _fields(what: str, before, after, names) -> list:
    lines = []
    for name in names:
        was, now = getattr(before, name, None), getattr(after, name, None)
        if was != now:
            lines.append(Line(f"{what}: {name.replace('_', ' ')} {_short(was)} -> {_short(now)}"))
    return lines


def _short(value) -> str:
    text = " ".join(str(value).split()) if not isinstance(value, (tuple, list, dict)) else json.dumps(
        value, ensure_ascii=False, default=str)
    return json.dumps(text if len(text) <= 120 else text[:117] + "...", ensure_ascii=False)


def _files(old: Path, new: Path) -> list:
    """Every file of either folder that the other lacks or holds with other bytes."""
    listing = lambda folder: {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}  # noqa: E731
    before, after = listing(old), listing(new)
    changes = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            changes.append((name, "removed"))
        elif name not in before:
            changes.append((name, "added"))
        elif before[name].read_bytes() != after[name].read_bytes():
            changes.append((name, "changed"))
    return changes


# Each region is replayed with the values the differing rules leave open set three ways: the
# quietest week (the first class of each), the last class of each (the most pain, every sign
# answered yes, the longest counters), and the middle one; so a change that shows only when
# another rule fires too, or outranks it, is seen in the groups as well.
PICKS = (0, -1, 1)


def _region_changes(space, assignment, old_run, new_run) -> set:
    """(disposition before, after) of each way of completing the region whose outcome differs."""
    from spinewise.checkin.space import run_drawn

    changes, tried = set(), set()
    for pick in PICKS:
        history, answers = space.complete(assignment, pick)
        seen = repr((sorted(history.items()), sorted(answers.items())))
        if seen in tried:
            continue
        tried.add(seen)
        try:
            before, _ = run_drawn(old_run, history, answers)
            after, _ = run_drawn(new_run, history, answers)
        except Exception:  # noqa: BLE001 - answers one of the two rule bases does not take
            continue
        other = tuple(before.finding_codes) != tuple(after.finding_codes) or \
            [p.code for p in before.plan] != [p.code for p in after.plan]
        if before.disposition != after.disposition or other:
            changes.add((before.disposition, after.disposition))
    return changes


def checkin_changes(old, new, old_triage, new_triage) -> tuple:
    """Check-ins whose outcome differs between the two rule bases: every region of the check-in space
    (every journal state, analysis/checkin_search.py) where a check-in rule that differs decides
    differently, each replayed through both in three ways (PICKS)."""
    if old.checkin is None or new.checkin is None or new.checkin.roles is None or old.checkin.roles is None:
        return ()
    from spinewise.checkin.view import checkin_view
    from spinewise.engine.triage import Triage
    from spinewise.review.analysis.checkin_search import CheckinSpace, search
    from spinewise.review.analysis.inline import inline_facts, outcome, shape

    old_view, new_view = checkin_view(old), checkin_view(new)
    old_run, new_run = Triage(old_view, old_triage.include_draft), Triage(new_view, new_triage.include_draft)
    old_c, new_c = inline_facts(old_run.rules), inline_facts(new_run.rules)
    old_rules, new_rules = {r.id: r for r in old_run.rules}, {r.id: r for r in new_run.rules}
    differing = [rid for rid in dict.fromkeys([*old_rules, *new_rules])
                 if rid not in old_rules or rid not in new_rules or shape(old_c[rid]) != shape(new_c[rid])
                 or outcome(old_rules[rid]) != outcome(new_rules[rid])]
    if not differing and [d.question.id for d in old.checkin.derived] == [d.question.id for d in new.checkin.derived]:
        return ()
    conditions = [old_c[rid] for rid in differing if rid in old_c] + [new_c[rid] for rid in differing if rid in new_c]
    try:
        space = CheckinSpace(new_view, conditions + list(new_c.values()), new.checkin.roles.follows)
        regions = list(search(space, conditions, lambda t: all(v is not None for v in t), budget=20_000))
    except (TooLarge, LookupError, RuntimeError):
        return (Line("check-ins: too many to compare exactly; replay saved journals with spinewise checkin", True),)
    counts: dict = {}
    for assignment, truths in regions:
        if truths and not any(truths):
            continue  # no differing rule fires in either rule base here
        for key in _region_changes(space, assignment, old_run, new_run):
            counts[key] = counts.get(key, 0) + 1
    lines = []
    for (was, now), count in counts.items():
        lowers = _rank(new, now) > _rank(new, was)
        what = f"{_title(old, was)} -> {_title(new, now)}" if was != now else \
            f"{_title(new, now)} (other findings or plan)"
        lines.append(Line(f"check-ins: {what}: {count} group(s) of check-ins", lowers))
    return tuple(sorted(lines, key=lambda line: not line.alarming))
