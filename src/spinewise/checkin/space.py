"""Run one check-in, given the journal values and the week's answers, exactly as `spinewise
checkin` runs it: what the proof of the check-in hazards (review/analysis/checkin_search.py)
and `rules diff` replay.
"""

from __future__ import annotations

import dataclasses

from spinewise.checkin.derive import week_values
from spinewise.checkin.run import resolved_plan


def run_drawn(triage, history: dict, answers: dict):
    """The check-in's Result (plan attributes resolved), and every value the rules saw."""
    values = week_values(triage.rulebase.checkin, {**history, **answers}, everything=True)
    values = week_values(triage.rulebase.checkin, values)
    result = triage.conclude(values)
    return dataclasses.replace(result, plan=resolved_plan(result.plan, values)), values

