"""The lifter the check-in tests follow: a first assessment on the corrective program, and a good week."""

import json

from conftest import invoke

FIRST = {"saddle_numbness": False, "bladder_bowel_change": False, "leg_weakness": False,
         "radiating_leg_pain": False, "feel_location": ["glutes", "lower_back"], "back_pain": True,
         "pain_intensity": 5, "pain_weeks": 2, "pain_exacerbated": False, "pain_phase": "throughout",
         "fever": False, "cancer_history": False, "significant_trauma": False, "night_pain": False,
         "weight_loss": False, "tailbone_tuck": False, "arched_back": True, "thumb_test": "spread",
         "load_increase": False, "reps_per_set": 10, "dead_bug": "one_leg", "weeks_on_program": 0}
WEEK = {"saddle_numbness": False, "bladder_bowel_change": False, "leg_weakness": False, "radiating_leg_pain": False,
        "back_pain": True, "felt_in_back": False, "pain_intensity": 3, "pain_exacerbated": False, "fever": False,
        "significant_trauma": False, "night_pain": False, "weight_loss": False, "sessions_done": 3,
        "dead_bug_control": "kept_down", "thumb_distance": "unchanged"}


def started_journal(folder):
    """A journal started by FIRST's assessment on 2 November 2026, in `folder`."""
    answers = folder / "first.json"
    answers.write_text(json.dumps(FIRST))
    path = folder / "journal.json"
    assert invoke("assess", "--answers", answers, "--journal", path, "--date", "2026-11-02",
                  "--format", "json").exit_code == 0
    return path
