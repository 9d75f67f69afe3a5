"""Whether one check-in's result keeps a check-in guarantee of the safety case (safety.yaml hazards
with `scope: checkin`). review/analysis/checkin_search.py proves them over every check-in after
every journal state, and confirms each check-in it finds breaking one with this.
"""

from __future__ import annotations


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
