"""Check the safety case's check-in guarantees (safety.yaml hazards with `scope: checkin`) over
check-ins drawn across every journal state (space.py): each check-in is run as `spinewise
checkin` runs it, and each hazard whose `when` holds for its answers and derived values must
keep its guarantee. Seeded draws: the same rule base gives the same verdict every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from spinewise.checkin.space import draw_checkin, run_drawn
from spinewise.rulebase.conditions import evaluate

DRAWS = 600  # about half a second; enough for each check-in hazard to apply to dozens of check-ins
SEED = 20261127


@dataclass(frozen=True)
class CheckinVerdict:
    hazard: object
    checked: int  # check-ins the hazard applied to
    broken_by: dict | None  # {"journal": values, "answers": answers} of a check-in that breaks it
    got: str = ""  # what that check-in gave, in words
    draws: int = 0  # check-ins drawn in all


def check_checkin_hazards(triage, hazards, draws: int = DRAWS) -> list[CheckinVerdict]:
    view = triage.rulebase
    rng = random.Random(SEED)
    counts = {id(h): 0 for h in hazards}
    broken: dict = {}
    for _ in range(draws):
        history, answers = draw_checkin(view, rng, view.checkin.roles.follows)
        result, values = run_drawn(triage, history, answers)
        for hazard in hazards:
            if id(hazard) in broken or (hazard.when is not None and not evaluate(hazard.when, values)):
                continue
            counts[id(hazard)] += 1
            failure = guarantee_broken(view, hazard.guarantee, result, values)
            if failure:
                findings = ", ".join(result.finding_codes) or "none"
                broken[id(hazard)] = ({"journal": history, "answers": answers}, f"{failure}; findings: {findings}")
    return [CheckinVerdict(h, counts[id(h)], *(broken.get(id(h)) or (None, "")), draws=draws) for h in hazards]


def guarantee_broken(rulebase, guarantee, result, values) -> str:
    """What the result does against the guarantee, in words, or "" when it keeps it."""
    terms = dict(guarantee)
    scoped = terms.get("when_disposition")
    if scoped and result.disposition not in scoped:
        return ""
    rank = rulebase.disposition(result.disposition).rank
    problems = []
    for kind, value in guarantee:
        if kind == "disposition_at_least" and rank > rulebase.disposition(value).rank:
            problems.append(f"it gives \"{rulebase.disposition(result.disposition).title}\"")
        elif kind == "disposition_never" and result.disposition in value:
            problems.append(f"it gives \"{rulebase.disposition(result.disposition).title}\"")
        elif kind == "findings_never" and set(value) & set(result.finding_codes):
            problems.append(f"it finds {', '.join(sorted(set(value) & set(result.finding_codes)))}")
        elif kind == "plan_never_now":
            now = [item.code for item in result.plan if item.code in value and item.phase == rulebase.phases[0].code]
            if now:
                problems.append(f"it plans {', '.join(now)} now")
        elif kind == "plan_change_never":
            for code, change in dict(value).items():
                if any(item.code == code and item.attributes.get("change") == change for item in result.plan):
                    problems.append(f"it plans {code} with change {change}")
    return "; ".join(problems)
