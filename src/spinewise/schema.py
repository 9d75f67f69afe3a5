"""JSON Schema (2020-12) of the answers object and of the JSON result, generated from the rule base.

`asked_when` becomes two constraints per conditional question: `dependentSchemas` (an
answer is only allowed when the question is asked) and `if`/`then` (when it is asked, the
answer is required). What a schema cannot say is listed in the README.
"""

from __future__ import annotations

from spinewise.fhir.common import base_url, unwrap
from spinewise.rulebase.conditions import AllOf, AnswerTest, AnyOf, questions_read

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def answers_schema(rulebase) -> dict:
    """The answers object; `$defs.result` holds the schema of a result (its own `$id`)."""
    properties = {q.id: value_schema(q) for q in rulebase.questions}
    conditional = [q for q in rulebase.questions if q.asked_when is not None]
    schema = {
        "$schema": DIALECT,
        "$id": f"{base_url(rulebase)}/{rulebase.version}/answers.schema.json",
        "title": f"Answers for {rulebase.name} {rulebase.version}",
        "description": "A JSON object of question id to answer. An answer is allowed only when its question is asked, "
                       "and required then, except that once the answers reach the most severe disposition the "
                       "missing ones are allowed (not expressible here).",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "required": [q.id for q in rulebase.questions if q.asked_when is None],
    }
    if conditional:
        schema["dependentSchemas"] = {q.id: condition_schema(q.asked_when) for q in conditional}
        schema["allOf"] = [{"if": condition_schema(q.asked_when), "then": _requires(q.id)} for q in conditional]
    schema["$defs"] = {"result": result_schema(rulebase)}
    return schema


def checkin_answers_schema(view) -> dict:
    """The weekly check-in's answers object (the check-in view of the rule base).

    A question asked depending on the journal (the last entry's advice, an answer the journal
    holds) is allowed but not required here: the journal decides, which a schema cannot see."""
    history = {derived.question.id for derived in view.checkin.derived}
    questions = view.checkin.questions
    from_answers = [q for q in questions if q.asked_when is not None and not (set(questions_read(q.asked_when)) & history)]
    journal_asked = [q for q in questions if q.asked_when is not None and set(questions_read(q.asked_when)) & history]
    from_journal = [q.id for q in journal_asked]
    schema = {
        "$schema": DIALECT,
        "$id": f"{base_url(view)}/{view.version}/checkin-answers.schema.json",
        "title": f"Weekly check-in answers for {view.name} {view.version}",
        "description": "A JSON object of check-in question id to answer. An answer is allowed only when its question "
                       "is asked, and required then; once the answers reach the most severe disposition the missing "
                       "ones are allowed. Whether these are asked depends on the journal, which this schema cannot "
                       f"see, so they are allowed and not required here: {', '.join(from_journal)}.",
        "type": "object",
        "properties": {q.id: value_schema(q) for q in questions},
        "additionalProperties": False,
        "required": [q.id for q in questions if q.asked_when is None],
    }
    dependent = {q.id: condition_schema(q.asked_when) for q in from_answers}
    for question in journal_asked:  # what the answers alone must hold for it to be asked, whatever the journal says
        part = _answer_part(question.asked_when, history)
        if part is not None:
            dependent[question.id] = condition_schema(part)
    if dependent:
        schema["dependentSchemas"] = dependent
    rules = [{"if": condition_schema(q.asked_when), "then": _requires(q.id)} for q in from_answers]
    rules += [{"not": _requires(*pair)} for pair in _never_together(view, journal_asked, history)]
    if rules:
        schema["allOf"] = rules
    schema["$defs"] = {"result": checkin_result_schema(view)}
    return schema


def _answer_part(condition, history: set):
    """The part of `condition` that tests answers only and that must hold for it to hold
    (None when the answers alone need not hold anything): tests of journal values are dropped
    from an `all`, and an `any` with one is dropped whole."""
    condition = unwrap(condition)
    if isinstance(condition, AnswerTest):
        return None if condition.question in history else condition
    if isinstance(condition, (AllOf, AnyOf)):
        parts = [_answer_part(item, history) for item in condition.items]
        if isinstance(condition, AnyOf):
            return None if any(part is None for part in parts) else AnyOf(tuple(parts))
        kept = tuple(part for part in parts if part is not None)
        return None if not kept else kept[0] if len(kept) == 1 else AllOf(kept)
    return None


def _never_together(view, questions: list, history: set) -> list:
    """Pairs of journal-dependent questions that no journal asks together (say, one asked on the
    corrective program, one on the return to load): found by trying every value the journal
    values they read can take."""
    import itertools

    from spinewise.rulebase.conditions import truth

    read = sorted({name for q in questions for name in questions_read(q.asked_when)} & history)
    domains = []
    for name in read:
        question = view.questions_by_id[name]
        if question.type == "bool":
            domains.append((True, False))
        elif question.type == "choice":
            domains.append(tuple(question.allowed_values))
        else:
            return []  # a number from the journal: too many values to try, so no pair is claimed
    possible = {q.id: set() for q in questions}
    for number, values in enumerate(itertools.product(*domains)):
        known = dict(zip(read, values))
        for question in questions:
            if truth(question.asked_when, known, unanswered=None) is not False:
                possible[question.id].add(number)
    return [(a.id, b.id) for a, b in itertools.combinations(questions, 2)
            if not possible[a.id] & possible[b.id]]


def checkin_result_schema(view) -> dict:
    """A check-in's result, as `checkin --format json` prints it: a result with its `checkin` record."""
    schema = result_schema(view)
    schema["$id"] = f"{base_url(view)}/{view.version}/checkin-result.schema.json"
    schema["title"] = f"Weekly check-in result of {view.name} {view.version}"
    schema["required"] = [*schema["required"], "checkin"]
    answers = schema["properties"]["answers"]
    answers["properties"] = {q.id: value_schema(q) for q in view.checkin.questions}
    names = [q.id for q in view.checkin.questions] + [d.question.id for d in view.checkin.derived]
    schema["properties"]["findings"]["items"]["properties"]["because"]["propertyNames"]["enum"] = names
    schema["properties"]["checkin"] = {
        "type": "object", "required": ["date", "week_counted", "weeks_counted", "pain_change"],
        "properties": {"date": {"type": "string", "format": "date"},
                       "week_counted": {"type": "boolean"},
                       "weeks_counted": {"type": "integer", "minimum": 0},
                       "pain_change": {"type": "integer", "minimum": -10, "maximum": 10},
                       "next_checkin": {"type": "string", "format": "date"}},
        "additionalProperties": False}
    return schema


def value_schema(question) -> dict:
    described = {"title": question.text, **({"description": question.hint} if question.hint else {})}
    if question.type == "bool":
        return {**described, "type": "boolean"}
    if question.type == "int":
        return {**described, "type": "integer", "minimum": question.minimum, "maximum": question.maximum}
    if question.type == "choice":
        return {**described, "enum": list(question.allowed_values)}
    return {**described, "type": "array", "items": {"enum": list(question.allowed_values)},
            "minItems": 1, "uniqueItems": True}


def _requires(*qids: str) -> dict:
    """`required` with the properties named beside it, as Ajv's strict mode asks."""
    return {"type": "object", "required": list(qids), "properties": {qid: True for qid in qids}}


# operator -> the schema an answer satisfies; `not` of it when the test is negated.
_TESTS = {
    "is_true": lambda _: {"const": True},
    "is_false": lambda _: {"const": False},
    "equals": lambda value: {"const": value},
    "not_equals": lambda value: {"not": {"const": value}},
    "one_of": lambda values: {"enum": list(values)},
    "at_least": lambda value: {"type": "number", "minimum": value},
    "at_most": lambda value: {"type": "number", "maximum": value},
    "more_than": lambda value: {"type": "number", "exclusiveMinimum": value},
    "less_than": lambda value: {"type": "number", "exclusiveMaximum": value},
    "contains": lambda value: {"type": "array", "contains": {"const": value}},
    "contains_any": lambda values: {"type": "array", "contains": {"enum": list(values)}},
    "contains_only": lambda values: {"type": "array", "items": {"enum": list(values)}},
}
# Each test names the type its keyword applies to (Ajv's strictTypes); the answer's own
# schema already holds it to that type, so a negated test means the same as before.


def condition_schema(condition) -> dict:
    """A question-only condition as a schema of the answers object.

    A test needs its question answered, negated or not, as spinewise evaluates it.
    """
    condition = unwrap(condition)
    if isinstance(condition, (AllOf, AnyOf)):
        key = "allOf" if isinstance(condition, AllOf) else "anyOf"
        return {key: [condition_schema(item) for item in condition.items]}
    if not isinstance(condition, AnswerTest) or condition.operator not in _TESTS:
        raise ValueError(f"no JSON Schema for the condition {condition!r}")
    test = _TESTS[condition.operator](condition.value)
    return {"type": "object", "required": [condition.question],
            "properties": {condition.question: {"not": test} if condition.negated else test}}


def result_schema(rulebase) -> dict:
    """A result as `assess --format json` prints it (and each good line of `batch`)."""
    question_ids = [q.id for q in rulebase.questions]
    answers = {"type": "object", "properties": {q.id: value_schema(q) for q in rulebase.questions},
               "additionalProperties": False}
    return {
        "$id": f"{base_url(rulebase)}/{rulebase.version}/result.schema.json",
        "title": f"Result of {rulebase.name} {rulebase.version}",
        "type": "object",
        "required": ["disposition", "findings", "plan", "rules_fired", "rulebase", "review", "answers"],
        "properties": {
            "id": {"description": "the input line's id, in batch output"},
            "disposition": {"enum": [d.code for d in rulebase.dispositions]},
            "findings": {"type": "array", "items": _finding_schema(rulebase, question_ids)},
            "plan": {"type": "array", "items": _plan_schema(rulebase)},
            "not_asked": {"type": "array", "items": {"enum": question_ids}, "uniqueItems": True},
            "rules_fired": {"type": "array", "items": {"type": "string"}},
            "rulebase": {"type": "object", "required": ["version", "sha256", "included_drafts"],
                         "properties": {"version": {"type": "string"},
                                        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                                        "included_drafts": {"type": "boolean"}},
                         "additionalProperties": False},
            "review": {"type": "object", "required": ["rules_in_use", "signed_off", "out_of_date"],
                       "description": "rules in use; those with a valid clinical sign-off; those whose clinical "
                                      "sign-off an edit made out of date",
                       "properties": {name: {"type": "integer", "minimum": 0}
                                      for name in ("rules_in_use", "signed_off", "out_of_date")},
                       "additionalProperties": False},
            "answers": answers,
        },
        "additionalProperties": False,
    }


def _finding_schema(rulebase, question_ids: list) -> dict:
    return {"type": "object", "required": ["code", "rule", "because", "source"],
            "properties": {"code": {"enum": [f.code for f in rulebase.findings]},
                           "rule": {"type": "string"},
                           "because": {"type": "object", "propertyNames": {"enum": question_ids}},
                           "source": {"type": "string"}},
            "additionalProperties": False}


def _plan_schema(rulebase) -> dict:
    """A plan item: its code, then only the attributes its vocabulary entry declares."""
    by_code = [{"if": {"properties": {"code": {"const": p.code}}},
                "then": {"propertyNames": {"enum": ["code", "phase", *p.attributes]}}}
               for p in rulebase.plan_items]
    return {"type": "object", "required": ["code", "phase"],
            "properties": {"code": {"enum": [p.code for p in rulebase.plan_items]},
                           "phase": {"enum": [p.code for p in rulebase.phases]}},
            "allOf": by_code}
