"""Assess a stream of answers objects, one JSON object per line, keeping ids and order."""

from __future__ import annotations

import json
from dataclasses import dataclass

from spinewise.answers import parse_answers_json
from spinewise.errors import AnswersError


@dataclass
class BatchSummary:
    assessed: int = 0
    failed: int = 0


def assess_line(triage, raw: str | bytes, number: int) -> dict:
    """The output record for one input line: the result, or an `error` naming what was wrong."""
    record_id = None
    try:
        answers = parse_answers_json(raw, f"line {number}")
        record_id = answers.pop("id", None)
        result = triage.assess(answers).to_json()
    except AnswersError as exc:
        record = {"line": number, "error": str(exc)}
        return {"id": record_id, **record} if record_id is not None else record
    return {"id": record_id, **result} if record_id is not None else result


def run_batch(lines, write, triage) -> BatchSummary:
    """Assess each line and `write` one JSON line per input line, in the same order."""
    summary = BatchSummary()
    for number, raw in enumerate(lines, start=1):
        record = assess_line(triage, raw, number)
        if "error" in record:
            summary.failed += 1
        else:
            summary.assessed += 1
        write(json.dumps(record, ensure_ascii=False) + "\n")
    return summary
