"""Assess a stream of answers objects, one JSON object per line, keeping ids and order.

Input is read a line at a time and output written as each result is ready, so memory
stays flat however many cases there are. With several jobs, chunks of lines go to worker
processes that each build the engine once; results are written back in input order, and
only a bounded number of chunks is in flight. Every write is whole lines, so a run that
is interrupted leaves valid JSONL behind.
"""

from __future__ import annotations

import collections
import json
import os
import signal
from dataclasses import dataclass

from spinewise.answers import parse_answers_json
from spinewise.errors import AnswersError
from spinewise.i18n import language

# json.dumps(record, ensure_ascii=False), made once; a record is a fresh tree (no cycles to look for)
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)
MAX_LINE_BYTES = 1 << 20  # an answers object is a few hundred bytes; anything near this is not one
CHUNK_LINES = 100
CHUNKS_IN_FLIGHT_PER_JOB = 4


@dataclass
class BatchSummary:
    assessed: int = 0
    failed: int = 0
    interrupted: bool = False


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def read_lines(stream, limit: int = MAX_LINE_BYTES):
    """(line number, bytes read, the line or None when longer than `limit`) for each line of a binary stream.

    Blank lines (an editor's trailing newline, a gap between cases) are skipped, not
    refused; their bytes count with the next line, so progress still reaches the end.
    """
    number, blank_bytes = 0, 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            yield number, blank_bytes + len(raw) + _skip_rest_of_line(stream), None
        elif not raw.strip():
            blank_bytes += len(raw)
            continue
        else:
            yield number, blank_bytes + len(raw), raw
        blank_bytes = 0


def _skip_rest_of_line(stream) -> int:
    skipped = 0
    while True:
        piece = stream.readline(1 << 16)
        skipped += len(piece)
        if not piece or piece.endswith(b"\n"):
            return skipped


def line_outcome(triage, raw: str | bytes | None, number: int):
    """(the line's id or None, its Result or the AnswersError that refused it, its QuestionnaireResponse or None).

    A line is an answers object (an optional "id" key is carried through) or a FHIR
    QuestionnaireResponse (its `id` is carried through).
    """
    record_id, response = None, None
    try:  # the record carries the line number, so the messages need not repeat it
        if raw is None:
            raise AnswersError(f"longer than {MAX_LINE_BYTES} bytes, too long to be an answers object")
        answers = parse_answers_json(raw)
        if "resourceType" in answers:  # a FHIR QuestionnaireResponse, kept for the FHIR result
            from spinewise.fhir.response import answers_from_response

            record_id = _checked_id(answers.get("id"))
            response = answers
            answers = answers_from_response(triage.rulebase, answers, "QuestionnaireResponse", triage)
        else:
            record_id = _checked_id(answers.pop("id", None))
        return record_id, triage.assess(answers), response
    except AnswersError as exc:
        return record_id, exc, response


def _checked_id(record_id):
    if type(record_id) in (int, str, bool, type(None)):  # always valid JSON (only a float can be NaN)
        return record_id
    try:
        json.dumps(record_id, allow_nan=False)
    except ValueError:  # NaN or Infinity would make the output line invalid JSON
        raise AnswersError(f"id: {json.dumps(record_id)[:40]} is not allowed (expected any JSON value "
                           "without NaN or Infinity)") from None
    return record_id


def output_record(triage, record_id, outcome, number: int, fmt: str = "json", date: str | None = None,
                  response: dict | None = None) -> dict:
    if fmt == "fhir":
        from spinewise.fhir.bundle import error_bundle, result_bundle

        if isinstance(outcome, AnswersError):
            return error_bundle(f"line {number}: {outcome}", record_id)
        return result_bundle(outcome, triage.rulebase, date, record_id, response)
    record = {"line": number, "error": str(outcome)} if isinstance(outcome, AnswersError) \
        else {**outcome.to_json(), "language": language()}
    return {"id": record_id, **record} if record_id is not None else record


def assess_chunk(triage, chunk, fmt: str = "json") -> tuple[str, int, int, int]:
    """(output lines, results, errors, input bytes) for a list of `read_lines` items."""
    out, failed, size = [], 0, 0
    date = _fhir_date() if fmt == "fhir" else None
    for number, length, raw in chunk:
        record_id, outcome, response = line_outcome(triage, raw, number)
        failed += isinstance(outcome, AnswersError)
        size += length
        out.append(_ENCODER.encode(output_record(triage, record_id, outcome, number, fmt, date, response)) + "\n")
    return "".join(out), len(chunk) - failed, failed, size


def _fhir_date() -> str:
    from spinewise.report.dates import report_date

    return report_date()


def run_batch(lines, write, triage, progress=None, fmt: str = "json") -> BatchSummary:
    """Assess each `read_lines` item in this process, writing each result line as soon as it is ready."""
    summary = BatchSummary()
    try:
        for item in lines:
            _record(summary, write, progress, assess_chunk(triage, [item], fmt))
    except KeyboardInterrupt:
        summary.interrupted = True
    return summary


def run_batch_parallel(lines, write, jobs: int, rules_dir, include_draft: bool, progress=None,
                       fmt: str = "json") -> BatchSummary:
    """Assess `read_lines` items in `jobs` worker processes, writing results in input order."""
    import multiprocessing

    summary = BatchSummary()
    pending: collections.deque = collections.deque()
    with multiprocessing.Pool(jobs, _start_worker, (rules_dir, include_draft)) as pool:
        try:
            for chunk in _chunks(lines, CHUNK_LINES):
                pending.append(pool.apply_async(_assess_in_worker, (chunk, fmt)))
                if len(pending) >= jobs * CHUNKS_IN_FLIGHT_PER_JOB:
                    _record(summary, write, progress, pending.popleft().get())
            while pending:
                _record(summary, write, progress, pending.popleft().get())
        except KeyboardInterrupt:
            summary.interrupted = True
    return summary


def _record(summary: BatchSummary, write, progress, outcome) -> None:
    text, assessed, failed, size = outcome
    write(text)
    summary.assessed += assessed
    summary.failed += failed
    if progress:
        progress(size)


def _chunks(items, size: int):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_worker_triage = None


def _start_worker(rules_dir, include_draft: bool) -> None:
    global _worker_triage
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    from spinewise.engine import load_triage

    _worker_triage = load_triage(rules_dir, include_draft)


def _assess_in_worker(chunk, fmt: str = "json"):
    return assess_chunk(_worker_triage, chunk, fmt)
