"""Shared helpers for the report tests: pinned date, answers of every disposition, copied rule bases."""

import json
import shutil
from pathlib import Path

from conftest import EXAMPLES, RULES, TESTS

GOLDEN = TESTS / "golden"
PINNED_EPOCH = "1795478400"  # 2026-11-24, so golden reports do not change with the day they run
PINNED_DATE = "2026-11-24"

# One answers file per disposition, most severe first.
BY_DISPOSITION = {
    "emergency": EXAMPLES / "cauda_equina_bladder.json",
    "urgent_consultation": TESTS / "cases" / "cancer_history_and_night_pain.json",
    "consultation": EXAMPLES / "exacerbated_pain_arched.json",
    "corrective_program": EXAMPLES / "tuck_pain_on_lowering.json",
    "reintroduce_load": EXAMPLES / "program_finished.json",
    "continue_training": EXAMPLES / "healthy_glutes_only.json",
}


def answers_file(path: Path, folder: Path) -> Path:
    """An answers file for `path`: examples are already one; test cases keep theirs under "answers"."""
    data = json.loads(path.read_text())
    if "answers" not in data:
        return path
    target = folder / path.name
    target.write_text(json.dumps(data["answers"]))
    return target


def copied_rules(folder: Path, edit_file: str, old: str, new: str) -> Path:
    """A copy of the shipped rule base with one text replaced in one file."""
    target = folder / "rules"
    shutil.copytree(RULES, target)
    path = target / edit_file
    text = path.read_text()
    assert old in text, f"{old!r} not in {edit_file}"
    path.write_text(text.replace(old, new, 1))
    return target
