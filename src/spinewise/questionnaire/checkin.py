"""The weekly check-in in the terminal: the questionnaire's interview over the check-in's
questions (nerve signs first, `?`, `back`, Ctrl-C and `--resume`, the emergency advice at once),
with the journal's values bound into each question's `asked_when`."""

from __future__ import annotations

from spinewise.checkin.derive import history_values
from spinewise.checkin.view import bound_view, checkin_triage
from spinewise.questionnaire import resume
from spinewise.questionnaire.interview import Interview

FILE_NAME = "unfinished-checkin.json"


def run_checkin_questionnaire(journal, day, resume_requested: bool, resume_command: str, rules_dir=None,
                              include_draft: bool = False):
    """Ask this week's questions; the Interview, whose `.answers` are complete (or reach the emergency)."""
    from spinewise.engine.triage import Triage

    view = checkin_triage(rules_dir, include_draft).rulebase
    bound = bound_view(view, history_values(view.checkin, journal, day))
    interview = Interview(Triage(bound, include_draft), resume.state_dir() / FILE_NAME, resume_command)
    interview.run(resume_requested)
    return interview
