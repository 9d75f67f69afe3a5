"""Regions of the answer space in words: merged where they differ in one answer only.

"pain_weeks 0 to 6", "feel_location without lower_back", "Warning signs: all no": a
region reads as the answers that put a lifter in it, as a clinician would say them.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinewise.rulebase.conditions import ABSENT


@dataclass(frozen=True)
class Summary:
    description: str
    combinations: int
    example: dict


def merge_regions(space, regions) -> list[Summary]:
    """Regions that differ in one answer only, merged and described in words."""
    groups = [({qid: [value] for qid, value in region.assignment.items()}, region.combinations, region.assignment)
              for region in regions]
    for question in space.questions:
        merged: dict = {}
        for values, combinations, first in groups:
            key = repr(sorted((qid, vs) for qid, vs in values.items() if qid != question.id))
            if key in merged and question.id in values:
                merged[key][0][question.id] += values[question.id]
                merged[key][1] += combinations
            else:
                merged[key] = [values, combinations, first]
        groups = [tuple(group) for group in merged.values()]
    return [Summary(_describe(space, values), combinations, space.complete(first)) for values, combinations, first in groups]


def _describe(space, values: dict) -> str:
    parts = []
    for question in space.questions:
        chosen = [v for v in values.get(question.id, []) if v is not ABSENT]
        if chosen and len(chosen) < len(space.classes[question.id]):
            parts.append((question, f"{question.id} {_either(space, question, chosen)}"))
    return ", ".join(_fold_sections(space, parts)) or "any answers"


def _fold_sections(space, parts) -> list[str]:
    """Every yes/no question of a section answered no reads as one phrase: "Warning signs: all no"."""
    said = {question.id: text for question, text in parts}
    folded, done = [], set()
    for question, text in parts:
        if question.section in done:
            continue
        siblings = [q for q in space.questions if q.section and q.section == question.section]
        if len(siblings) >= 3 and all(q.type == "bool" and said.get(q.id) == f"{q.id} no" for q in siblings):
            folded.append(f"{question.section}: all no")
            done.add(question.section)
        else:
            folded.append(text)
    return folded


def _either(space, question, chosen) -> str:
    classes = space.classes[question.id]
    if question.type == "int":
        # Neighbouring ranges read as one: "0 to 3" rather than "0 or 1 to 2 or 3".
        picked = [c for c in classes if c.value in chosen]
        positions = [classes.index(c) for c in picked]
        if positions == list(range(positions[0], positions[0] + len(positions))):
            low, high = picked[0].label.split(" to ")[0], picked[-1].label.split(" to ")[-1]
            return low if low == high else f"{low} to {high}"
    if question.type == "multi":
        phrase = _membership(classes, chosen)
        if phrase:
            return phrase
    return " or ".join(space.label(question.id, value) for value in chosen)


def _membership(classes, chosen) -> str:
    """For a multiple choice: "includes X" or "without X" when that is exactly what was chosen."""
    picked = [c.value for c in classes if c.value in chosen]
    for value in {v for c in classes for v in c.value}:
        label = next(c.label for c in classes if c.value == [value])
        if picked == [c.value for c in classes if value in c.value]:
            return f"includes {label}"
        if picked == [c.value for c in classes if value not in c.value]:
            return f"without {label}"
    return ""
