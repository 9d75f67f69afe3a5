"""Read a cases file: one JSON object per line, saved answers with an optional id and expectation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from spinewise.answers import parse_answers_json
from spinewise.errors import AnswersError
from spinewise.review.expect import CasesError


@dataclass(frozen=True)
class Case:
    label: str  # its "id" or "name", else "line N"
    line: int
    answers: dict = field(hash=False, compare=False)
    data: dict = field(hash=False, compare=False)  # the whole object, for its expectation


def read_cases(path, need_answers_key: bool) -> list[Case]:
    """Every case in a JSONL file; without `need_answers_key` a bare answers object is a case too."""
    source = Path(path)
    try:
        lines = source.read_bytes().splitlines()
    except FileNotFoundError:
        raise CasesError(f"cases file {str(source)!r} does not exist") from None
    except OSError as exc:
        raise CasesError(f"cannot read cases file {str(source)!r}: {exc.strerror}") from None
    cases = []
    for number, raw in enumerate(lines, start=1):
        if raw.strip():
            cases.append(_case(raw, number, source.name, need_answers_key))
    if not cases:
        raise CasesError(f"cases file {str(source)!r} holds no cases (one JSON object per line)")
    return cases


def _case(raw: bytes, number: int, name: str, need_answers_key: bool) -> Case:
    where = f"{name} line {number}"
    try:
        data = parse_answers_json(raw, where)
    except AnswersError as exc:
        raise CasesError(str(exc)) from None
    label = data.get("id", data.get("name", f"line {number}"))
    if "answers" in data:
        answers = data["answers"]
        if not isinstance(answers, dict):
            raise CasesError(f"{where}: 'answers' must be an object of question id to answer")
    elif need_answers_key:
        raise CasesError(f"{where}: a test case needs 'answers' (an object) and the expected results")
    else:
        answers = {key: value for key, value in data.items() if key != "id"}
    return Case(str(label), number, answers, data)
