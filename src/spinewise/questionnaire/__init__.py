"""The interactive questionnaire behind `spinewise assess` without --answers."""

from spinewise.questionnaire.interview import Interrupted, run_questionnaire
from spinewise.questionnaire.resume import write_answers

__all__ = ["Interrupted", "run_questionnaire", "write_answers"]
