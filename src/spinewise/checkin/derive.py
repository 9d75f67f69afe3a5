"""Compute the values checkin.yaml declares: from the journal (before the answers are checked,
so `asked_when` may test them) and from the week's answers (after).

Nothing here decides: each value is computed exactly as its declaration in the rule base
says (a journal path, a condition, a sum or a choice between two terms).
"""

from __future__ import annotations

from spinewise.journal import parse_date
from spinewise.rulebase.conditions import evaluate


def history_values(checkin, journal, day) -> dict:
    """The values read from the journal; raises JournalError when one is not what its question allows
    (a journal edited by hand and sealed again): the rules never see a value they were not written for."""
    values: dict = {}
    for derived in checkin.derived:
        if derived.stage == "history":
            _put(values, derived, journal, day)
            _check_read(derived, values)
    return values


def _check_read(derived, values: dict) -> None:
    from spinewise.answers import _value_problem
    from spinewise.journal import JournalError

    name = derived.question.id
    if name not in values:
        return
    problem = _value_problem(derived.question, values[name])
    if problem:
        spec = derived.how[1]
        paths = spec.get("last", spec.get("first", spec.get("any", "")))
        where = " or ".join([paths] if isinstance(paths, str) else paths)
        raise JournalError(f"the journal's {where} is not a value spinewise can use for {name} "
                           f"({derived.question.text.rstrip('.')}): {problem}; the journal was left as it is")


def week_values(checkin, values: dict, everything: bool = False) -> dict:
    """The week's derived values, added to a copy of `values` (answers and history). With
    `everything`, every value not read from the journal is computed (for rule examples, whose
    history values stand for a journal)."""
    values = dict(values)
    for derived in checkin.derived:
        if derived.stage == "week" or (everything and derived.how[0] != "journal"):
            _put(values, derived, None, None)
    return values


def _put(values: dict, derived, journal, day) -> None:
    value = _compute(derived.how, values, journal, day)
    if value is not None:
        values[derived.question.id] = value


def _compute(how: tuple, values: dict, journal, day):
    kind = how[0]
    if kind == "journal":
        return _from_journal(how[1], journal, day)
    if kind == "when":
        return evaluate(how[1], values)
    if kind == "sum":
        terms = [_term(term, values) for term in how[1]]
        if any(not isinstance(term, int) for term in terms):  # bool is an int: yes counts 1
            return None
        return sum(int(term) for term in terms)
    condition, then, otherwise = how[1], how[2], how[3]
    return _term(then if evaluate(condition, values) else otherwise, values)


def _term(term, values: dict):
    if term is None or isinstance(term, (bool, int)):
        return term
    if term.startswith("-"):
        value = values.get(term[1:])
        return -int(value) if isinstance(value, int) else None
    return values.get(term)


def _from_journal(spec: dict, journal, day):
    run = journal.run()
    if "days_since_last" in spec:
        return (day - parse_date(journal.last["date"])).days
    if "any" in spec:
        return any(_at(entry, spec["any"]) is not None for entry in journal.entries)
    paths = spec.get("last", spec.get("first"))
    paths = [paths] if isinstance(paths, str) else list(paths)
    entries = run[:1] if "first" in spec else list(reversed(run))
    if spec.get("of") == "checkin":
        entries = [entry for entry in entries if entry["kind"] == "checkin"]
    for entry in entries:
        for path in paths:
            value = _at(entry, path)
            if value is not None:
                return value
    return spec.get("default")


def _at(entry: dict, path: str):
    """The value at a journal path in one entry, or None."""
    root, _, rest = path.partition(".")
    result = entry.get("result")
    if not isinstance(result, dict):
        return None
    if root == "disposition":
        return result.get("disposition")
    if root in ("answers", "derived", "checkin"):
        holder = entry.get(root) if root != "checkin" else result.get("checkin")
        return holder.get(rest) if isinstance(holder, dict) else None
    if root == "finding":
        return True if any(isinstance(f, dict) and f.get("code") == rest for f in result.get("findings", [])) else None
    code, _, attribute = rest.partition(".")
    for item in result.get("plan", []):
        if isinstance(item, dict) and item.get("code") == code:
            return item.get(attribute)
    return None
