"""The resume file: the answers of an unfinished questionnaire, kept after every answer.

It lives under $XDG_STATE_HOME/spinewise/ (default ~/.local/state/spinewise/), is
written atomically with owner-only permissions because it holds health data, and is
removed once the assessment is finished.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from spinewise.answers import check_given, parse_answers_json
from spinewise.errors import AnswersError, OutputError, SpinewiseError
from spinewise.output import write_private

FILE_NAME = "unfinished-questionnaire.json"


class ResumeError(SpinewiseError):
    """There is no usable unfinished questionnaire to continue."""


@dataclass(frozen=True)
class Progress:
    """Where a questionnaire stands: the answers so far, in the order given."""

    answers: dict = field(default_factory=dict, hash=False, compare=False)
    after_emergency: str | None = None  # "finish" or "stop", once the lifter has chosen
    save_answers: str | None = None  # where --save-answers asked for the answers file, as an absolute path


def state_dir() -> Path:
    configured = os.environ.get("XDG_STATE_HOME", "")
    base = Path(configured) if os.path.isabs(configured) else Path.home() / ".local" / "state"
    return base / "spinewise"


def resume_path() -> Path:
    return state_dir() / FILE_NAME


def save(progress: Progress, rulebase, path: Path) -> None:
    """Keep `progress` for --resume; raises OutputError when the file cannot be written."""
    record = {"answers": progress.answers, "after_emergency": progress.after_emergency,
              "save_answers": progress.save_answers,
              "rulebase": {"version": rulebase.version, "sha256": rulebase.content_hash}}
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise OutputError(f"cannot create {path.parent}: {exc.strerror}") from None
    write_private(path, json.dumps(record, indent=2, ensure_ascii=False) + "\n", what="your answers")


def load(rulebase, path: Path) -> Progress | None:
    """The saved progress, or None when there is none. Raises ResumeError when it is unusable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ResumeError(f"cannot read the unfinished questionnaire {path}: {exc.strerror}") from None
    try:
        record = parse_answers_json(data, str(path))
        answers = record.get("answers")
        if not isinstance(answers, dict):
            raise AnswersError(f"{path}: has no answers object")
        check_given(rulebase, answers)
    except AnswersError as exc:
        raise ResumeError(f"the unfinished questionnaire cannot be continued: {exc}") from None
    choice = record.get("after_emergency")
    target = record.get("save_answers")
    return Progress(answers, choice if choice in ("finish", "stop") else None,
                    target if isinstance(target, str) and target else None)


def remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:  # already gone, or not ours to remove: the report is what matters now
        pass


def write_answers(path, answers: dict) -> None:
    """Write `answers` in the contract's answers-file format, for a later --answers FILE."""
    write_private(path, json.dumps(answers, indent=2, ensure_ascii=False) + "\n", what="the answers")
