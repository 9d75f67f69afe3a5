"""Read and check an answers object against the question vocabulary.

Bad input is refused, never guessed. Every problem in an answers object is collected,
so one message (one line, clauses joined by "; ") names them all with what is allowed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

from spinewise.errors import AnswersError
from spinewise.rulebase.conditions import questions_read, truth, words


def parse_answers_json(data: bytes | str, source: str | None = None) -> dict:
    """Decode JSON text into a dict, refusing non-UTF-8, malformed JSON and repeated keys.

    NaN and Infinity decode to floats, which no question allows: the check that refuses
    them can then name the question. `source` (a file name) prefixes the messages.
    """
    where = f"{source}: " if source else ""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AnswersError(f"{where}not UTF-8 text (bad byte at position {exc.start})") from None
    if not data.strip():
        raise AnswersError(f"{source or 'the input'} is empty: it holds no answers (expected a JSON object, "
                           f"like {{\"back_pain\": false}})")
    try:
        value = json.loads(data, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise AnswersError(f"{where}not valid JSON: {exc.msg} at {_position(data, exc)}") from None
    except ValueError as exc:  # a repeated key, or an integer too long to convert
        reason = "a number has too many digits" if "digits" in str(exc) else str(exc)
        raise AnswersError(f"{where}not valid answers JSON: {reason}") from None
    except RecursionError:
        raise AnswersError(f"{where}not valid answers JSON: nested too deeply") from None
    if not isinstance(value, dict):
        raise AnswersError(f"{where}must be a JSON object of question id to answer, not {_json_type(value)}")
    return value


def _position(text: str, exc: json.JSONDecodeError) -> str:
    if "\n" in text.strip():
        return f"line {exc.lineno} column {exc.colno}"
    return f"column {exc.colno}"


def _unique_keys(pairs):
    result = dict(pairs)
    if len(result) < len(pairs):  # name the first key given twice
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"{key!r} is given twice")
            seen.add(key)
    return result


def _json_type(value) -> str:
    return {list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(type(value), "a number")


@dataclass
class AnswerCheck:
    """What is wrong with an answers object: `problems` (one clause each) and the `missing` ids."""

    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    missing_expected: list[str] = field(default_factory=list)  # what each missing answer may be
    valid: dict = field(default_factory=dict)  # the answers that passed, to decide the emergency exception

    def raise_problems(self, missing_allowed: bool = False) -> None:
        """Raise one AnswersError naming every problem; missing answers count unless `missing_allowed`."""
        clauses = list(self.problems)
        if self.missing and not missing_allowed:
            clauses.append(_missing_clause(self.missing, self.missing_expected))
        if clauses:
            raise AnswersError("; ".join(clauses))


def check_answers(rulebase, answers: dict, context: dict | None = None) -> AnswerCheck:
    """Every problem with `answers`: unknown ids, bad values, answers not asked, missing answers.

    `context` holds values that are not answers but that an `asked_when` may test (at a
    weekly check-in, the values the rule base derives from the journal)."""
    context = context or {}
    known = rulebase.questions_by_id
    check = AnswerCheck()
    unknown = [qid for qid in answers if qid not in known]
    if unknown:
        check.problems.append(_unknown_clause(unknown, known))
    bad_values, valid = {}, check.valid
    for qid, value in answers.items():
        question = known.get(qid)
        if question is None:
            continue
        if type(value) is bool and question.type == "bool":  # most answers: nothing more to check
            valid[qid] = value
            continue
        problem = _value_problem(question, value)
        if problem:
            bad_values[qid] = problem
        else:
            valid[qid] = value
    not_asked: dict[str, list[str]] = {}
    undecided: dict[tuple, list[str]] = {}
    given, memo = {**context, **valid}, {}  # one truth per condition node, shared by the questions
    for question in rulebase.questions:
        qid, condition = question.id, question.asked_when
        # Whether it is asked, or None while an answer its condition reads is missing or invalid.
        asked = True if condition is None else truth(condition, given, unanswered=None, memo=memo)
        if qid not in answers:
            if asked:
                check.missing.append(qid)
                check.missing_expected.append(question.describe_allowed())
        elif asked is False:
            not_asked.setdefault(_asked_when_words(rulebase, question), []).append(qid)
        elif asked is None and qid not in bad_values:
            deciding = tuple(q for q in questions_read(question.asked_when) if q not in answers and q not in context)
            if deciding:  # when a deciding answer is there but bad, that problem is named already
                undecided.setdefault(deciding, []).append(qid)
        elif qid in bad_values:
            check.problems.append(f"{qid}: {bad_values[qid]}")
    check.problems.extend(_not_asked_clause(ids, condition) for condition, ids in not_asked.items())
    check.problems.extend(_undecided_clause(ids, deciding) for deciding, ids in undecided.items())
    return check


def check_given(rulebase, answers: dict) -> None:
    """Check every given answer: known id, right type, allowed value, and a question that is asked."""
    check_answers(rulebase, answers).raise_problems(missing_allowed=True)


def _asked_when_words(rulebase, question) -> str:
    return words(question.asked_when, rulebase, by_id=True, expand=True).sentence()


def _value_problem(question, value) -> str | None:
    """What is wrong with one answer, with what is allowed, or None when it is fine."""
    if question.type == "bool":
        ok = isinstance(value, bool)
    elif question.type == "int":
        if isinstance(value, float) and math.isfinite(value):
            return f"{_show(value)} is not a whole number {_expected(question)}"
        if isinstance(value, int) and not isinstance(value, bool):
            return (None if question.minimum <= value <= question.maximum
                    else f"{_show(value)} is out of range {_expected(question)}")
        ok = False
    elif question.type == "choice":
        ok = isinstance(value, str) and value in question.allowed_values
    else:
        return _list_problem(question, value)
    return None if ok else f"{_show(value)} is not allowed {_expected(question)}"


def _expected(question) -> str:
    return f"(expected {question.describe_allowed()})"


def _list_problem(question, value) -> str | None:
    expected = _expected(question)
    if not isinstance(value, list) or not value:
        return f"{_show(value)} is not allowed {expected}"
    wrong = [_show(item) for item in value if not isinstance(item, str) or item not in question.allowed_values]
    if wrong:
        return f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} not allowed {expected}"
    if len(set(value)) == len(value):  # every item is a choice (a string) by now
        return None
    twice = sorted({item for item in value if value.count(item) > 1})
    if twice:
        return f"{', '.join(map(_show, twice))} listed more than once {expected}"
    return None


def _unknown_clause(unknown: list, known: dict) -> str:
    names = ", ".join(_show_key(qid) for qid in unknown)
    plural = "s" if len(unknown) > 1 else ""
    return f"unknown question id{plural} {names} (known ids: {', '.join(known)})"


def _undecided_clause(ids: list[str], deciding: tuple) -> str:
    """An answer to a question that may not be asked: the answers that decide it are missing."""
    them = "them" if len(ids) > 1 else "it"
    return (f"{', '.join(ids)}: answered, but whether {'they are' if len(ids) > 1 else 'it is'} asked depends on "
            f"{', '.join(deciding)}, which {'are' if len(deciding) > 1 else 'is'} not answered; answer "
            f"{'those' if len(deciding) > 1 else 'it'} or remove {them}")


def _not_asked_clause(ids: list[str], condition: str) -> str:
    them = "them" if len(ids) > 1 else "it"
    return f"{', '.join(ids)}: answered, but asked only when {condition}, so remove {them}"


def _missing_clause(missing: list[str], allowed: list[str]) -> str:
    """`missing answers: a, b (true or false), c (one of ...)`: ids grouped by what they allow."""
    groups: dict[str, list[str]] = {}
    for qid, what in zip(missing, allowed):
        groups.setdefault(what, []).append(qid)
    listed = ", ".join(f"{', '.join(ids)} ({what})" for what, ids in groups.items())
    return f"missing answer{'s' if len(missing) > 1 else ''}: {listed}"


def _show(value) -> str:
    text = json.dumps(value, default=str)  # NaN and Infinity come out as JSON spells them
    return text if len(text) <= 40 else text[:37] + "..."


def _show_key(key: str) -> str:
    text = repr(key)
    return text if len(text) <= 40 else text[:37] + "..."
