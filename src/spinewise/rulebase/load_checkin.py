"""Read checkin.yaml: the weekly check-in's questions, the values derived from the journal and
the week's answers (which rules test like answers), the check-in roles and example baseline.

A derived value is declared, never coded: `journal:` reads the lifter's journal (`last`,
`first` or `any` entry's value at a path, or `days_since_last`); `when:` is a condition of
the condition language; `sum:` adds numbers and names (yes counts as 1); `if:`/`then:`/
`else:` picks one term. Values are computed in the order written, so each may use those
above it. Those reading only the journal ("history") are known before the week's answers
are checked, so a question's `asked_when` may test them.
"""

from __future__ import annotations

import dataclasses

from spinewise.rulebase.conditions import questions_read
from spinewise.rulebase.load_conditions import ConditionReader, Context
from spinewise.rulebase.load_fields import Reporter, is_int, keys, known, listed, plain, shown, text
from spinewise.rulebase.load_vocabulary import QUESTION_ID, QUESTION_TYPES, read_questions
from spinewise.rulebase.model import Checkin, CheckinRoles, Choice, Derived, Question
from spinewise.rulebase.yamlsource import Located

CHECKIN_KEYS = ("questions", "derived", "roles", "example_baseline", "conditions")
DERIVED_HOW = ("journal", "when", "sum", "if")
JOURNAL_READS = ("last", "first", "any", "days_since_last")
PATH_ROOTS = ("disposition", "answers", "derived", "plan", "finding", "checkin")


def read_checkin_vocabulary(data, report: Reporter, dispositions: list) -> tuple[list, list, dict]:
    """The check-in questions (asked_when still raw), the derived values (conditions still raw) and
    their raw conditions; read fully by `finish_checkin` once named conditions are known."""
    if data is None or not keys(report, data, CHECKIN_KEYS, what="checkin.yaml"):
        return [], [], {}
    block = Located(questions=data["questions"])
    block.line = data.line_of("questions")
    questions, raw_asked_when = read_questions(block, report)
    derived = []
    seen = {q.id for q in questions}
    for node in listed(report, data, "derived", "checkin.yaml"):
        item = _derived(node, seen, report)
        if item:
            seen.add(item[0].id)
            derived.append(item)
    return questions, derived, raw_asked_when


def _derived(node, seen: set, report: Reporter):
    if not keys(report, node, ("id", "type", "text", "says"),
                ("minimum", "maximum", "choices") + DERIVED_HOW + ("then", "else"), what="a derived value"):
        return None
    qid, qtype = node["id"], node["type"]
    what = f"derived value {qid}"
    if not isinstance(qid, str) or not QUESTION_ID.fullmatch(qid) or qid in seen:
        report.error(node.line_of("id"), f"{what}: the id must be a new lower-case word")
        return None
    if qtype not in QUESTION_TYPES or qtype == "multi":
        report.error(node.line_of("type"), f"{what}: type must be bool, int or choice")
        return None
    how = [key for key in DERIVED_HOW if key in node]
    if len(how) != 1 or (how == ["if"] and "then" not in node):
        report.error(node.line, f"{what}: say how it is computed with exactly one of journal, when, sum, "
                                f"or if with then (and else)")
        return None
    choices = tuple(Choice(str(value), str(value)) for value in listed(report, node, "choices", what))
    minimum, maximum = node.get("minimum", -1000), node.get("maximum", 100000)
    if qtype == "int" and (not is_int(minimum) or not is_int(maximum)):
        report.error(node.line, f"{what}: minimum and maximum must be whole numbers")
        return None
    says = node["says"]
    question = Question(id=qid, type=qtype, text=text(report, node, "text", what), section="Your journal",
                        choices=choices, minimum=minimum if qtype == "int" else None,
                        maximum=maximum if qtype == "int" else None,
                        says=plain(says) if isinstance(says, dict) else text(report, node, "says", what),
                        line=node.line)
    if how == ["journal"] and not _journal_spec_ok(node["journal"], what, node, report):
        return None
    return question, how[0], node


def _journal_spec_ok(spec, what: str, node, report: Reporter) -> bool:
    if not isinstance(spec, dict) or not any(key in spec for key in JOURNAL_READS):
        report.error(node.line_of("journal"), f"{what}: journal reads one of {', '.join(JOURNAL_READS)}")
        return False
    paths = spec.get("last", spec.get("first", spec.get("any", [])))
    for path in [paths] if isinstance(paths, str) else paths:
        if not isinstance(path, str) or path.split(".")[0] not in PATH_ROOTS:
            report.error(node.line_of("journal"), f"{what}: {shown(path)} is not a journal path (it starts with "
                                                  f"one of {', '.join(PATH_ROOTS)})")
            return False
    return True


def history_questions(derived: list) -> list:
    """The derived values read from the journal alone, as questions an `asked_when` may test."""
    history = _history_ids(derived)
    return [question for question, _how, _node in derived if question.id in history]


def _history_ids(derived: list) -> set:
    history: set = set()
    for question, how, node in derived:
        if how == "journal":
            history.add(question.id)
        elif how in ("sum", "if") and how != "when":
            terms = node["sum"] if how == "sum" else [node["then"], node.get("else", 0)]
            names = [t.lstrip("-") for t in (terms if isinstance(terms, list) else [terms]) if isinstance(t, str)]
            if how == "sum" and names and all(name in history for name in names):
                history.add(question.id)
    return history


def finish_checkin(questions: list, derived: list, raw_asked_when: dict, data, conditions: ConditionReader,
                   context: Context, parameters: dict, dispositions: list, report: Reporter) -> Checkin | None:
    """The check-in vocabulary with every condition read against the whole vocabulary."""
    history = history_questions(derived)
    asked = conditions.asked_when(history + questions, raw_asked_when, report)[len(history):]
    history_ids = {q.id for q in history}
    items = []
    for question, how, node in derived:
        what = f"derived value {question.id}"
        if how == "journal":
            spec = plain(node["journal"])
            items.append(Derived(question, ("journal", spec), "history"))
            continue
        if how == "when":
            condition = conditions.read(node["when"], dataclasses.replace(context, facts_allowed=False),
                                        node.line_of("when"), report)
            if condition is not None:
                stage = "history" if set(questions_read(condition)) <= history_ids else "week"
                items.append(Derived(question, ("when", condition), stage))
            continue
        if how == "sum":
            terms = plain(node["sum"])
            if not isinstance(terms, list) or not all(_term_ok(t, context) for t in terms):
                report.error(node.line_of("sum"), f"{what}: sum lists numbers and known names")
                continue
            stage = "history" if all(isinstance(t, int) or t.lstrip("-") in history_ids for t in terms) else "week"
            items.append(Derived(question, ("sum", tuple(terms)), stage))
            continue
        condition = conditions.read(node["if"], dataclasses.replace(context, facts_allowed=False),
                                    node.line_of("if"), report)
        then, otherwise = plain(node["then"]), plain(node.get("else"))
        for term in (then, otherwise):
            if term is not None and not _term_ok(term, context):
                report.error(node.line, f"{what}: then and else are numbers, yes/no or known names")
        if condition is not None:
            items.append(Derived(question, ("if", condition, then, otherwise), "week"))
    roles = _roles(data.get("roles") if data is not None else None, derived, dispositions, parameters, report)
    baseline = plain(data.get("example_baseline", {})) if data is not None else {}
    if not isinstance(baseline, dict):
        report.error(data.line_of("example_baseline"), "'example_baseline' must map check-in ids to answers")
        baseline = {}
    redefined = _redefined(data.get("conditions") if data is not None else None, conditions, context, report)
    return Checkin(tuple(asked), tuple(items), baseline, roles, redefined)


def _redefined(block, conditions: ConditionReader, context: Context, report: Reporter) -> dict:
    """Named conditions read differently at a check-in: name -> (condition, its negation)."""
    if block is None:
        return {}
    if not isinstance(block, Located):
        report.error(getattr(block, "line", 1), "conditions: must map named conditions to {when}")
        return {}
    redefined = {}
    for name, node in block.items():
        if not known(conditions.named_raw, name):
            report.error(block.line_of(name), f"conditions: {shown(name)} is not a named condition of the rule files")
            continue
        if not keys(report, node, ("when",), ("description",), what=f"condition {name}"):
            continue
        plain_context = dataclasses.replace(context, facts_allowed=False)
        positive = conditions.read(node["when"], plain_context, node.line_of("when"), report)
        negative = conditions.read(node["when"], plain_context, node.line_of("when"), report, negate=True)
        if positive is not None and negative is not None:
            redefined[name] = (positive, negative)
    return redefined


def _term_ok(term, context: Context) -> bool:
    return isinstance(term, (int, bool)) or (isinstance(term, str) and known(context.questions, term.lstrip("-")))


def _roles(node, derived: list, dispositions: list, parameters: dict, report: Reporter) -> CheckinRoles | None:
    wanted = ("follows", "week_counted", "weeks_counted", "pain_change", "pain_answer", "check_in_every_days")
    if node is None or not keys(report, node, wanted, what="checkin.yaml: 'roles'"):
        return None
    ids = {question.id for question, _how, _node in derived}
    ok = True
    for code in listed(report, node, "follows", "roles"):
        if code not in dispositions:
            report.error(node.line_of("follows"), f"roles: follows: unknown disposition {shown(code)}")
            ok = False
    for key in wanted[1:4]:
        if not known(ids, node[key]):
            report.error(node.line_of(key), f"roles: {key} must name a derived value; {shown(node[key])} is not one")
            ok = False
    every = node["check_in_every_days"]
    if isinstance(every, dict) and known(parameters, every.get("parameter")):
        every = parameters[every["parameter"]].value
    if not is_int(every) or every < 1:
        report.error(node.line_of("check_in_every_days"), "roles: check_in_every_days is a whole number of days "
                                                          "or {parameter: name}")
        ok = False
    if not ok:
        return None
    return CheckinRoles(tuple(node["follows"]), node["week_counted"], node["weeks_counted"], node["pain_change"],
                        every, str(node["pain_answer"]))
