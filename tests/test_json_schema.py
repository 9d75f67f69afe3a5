"""`spinewise questions --format json-schema`: the answers object and the result as JSON Schema 2020-12.

The schema must agree with `assess`: accept every answers object it accepts and refuse
every kind it refuses, except for what a schema cannot express (listed in the README and
pinned down by the last tests here).
"""

import json
import random

import pytest
from jsonschema import Draft202012Validator

from conftest import invoke
from fhir_support import CASE_FILES, case_answers, case_id, random_value
from spinewise.errors import AnswersError


@pytest.fixture(scope="module")
def schema():
    run = invoke("questions", "--format", "json-schema")
    assert run.exit_code == 0, run.stderr
    document = json.loads(run.stdout)
    Draft202012Validator.check_schema(document)
    return document


@pytest.fixture(scope="module")
def answers_validator(schema):
    return Draft202012Validator(schema)


@pytest.fixture(scope="module")
def result_validator(schema):
    result = schema["$defs"]["result"]
    Draft202012Validator.check_schema(result)
    return Draft202012Validator(result)


def accepted_by_assess(triage, answers) -> bool:
    try:
        triage.assess(answers)
    except AnswersError:
        return False
    return True


@pytest.mark.parametrize("path", CASE_FILES, ids=case_id)
def test_every_worked_case_and_its_result_are_valid(path, answers_validator, result_validator, triage):
    answers = case_answers(path)
    result = triage.assess(answers).to_json()
    errors = list(answers_validator.iter_errors(answers))
    if result.get("not_asked"):  # the emergency exception: only the missing answers may be reported
        assert {e.validator for e in errors} <= {"required"}, [e.message for e in errors]
    else:
        assert errors == [], [e.message for e in errors]
    assert list(result_validator.iter_errors(result)) == []


def _full_answers(rulebase, triage):
    """A worked case that answers the most questions and is accepted without exceptions."""
    cases = [case_answers(path) for path in CASE_FILES]
    usable = [a for a in cases if not triage.assess(a).not_asked]
    return max(usable, key=len)


def _bad_values(question):
    bad = [None, "yes", [], {}]
    if question.type == "bool":
        bad += [1, 0]
    if question.type == "int":
        bad += [question.minimum - 1, question.maximum + 1, True, 1.5, str(question.minimum)]
    if question.type == "choice":
        bad += ["no_such_choice", [question.allowed_values[0]]]
    if question.type == "multi":
        bad += [question.allowed_values[0], ["no_such_choice"], [question.allowed_values[0]] * 2]
    return bad


def test_each_kind_of_bad_value_is_refused_by_both(rulebase, triage, answers_validator):
    base = _full_answers(rulebase, triage)
    tried = 0
    for qid in base:
        for value in _bad_values(rulebase.question(qid)):
            answers = {**base, qid: value}
            assert not accepted_by_assess(triage, answers)
            assert not answers_validator.is_valid(answers), (qid, value)
            tried += 1
    assert tried > 5 * len(base)


def test_unknown_ids_missing_answers_and_answers_not_asked_are_refused_by_both(rulebase, triage, answers_validator):
    base = _full_answers(rulebase, triage)
    wrong = [{**base, "tailbone": True}]
    wrong += [{k: v for k, v in base.items() if k != qid} for qid in base]
    for question in rulebase.questions:
        if question.id not in base:  # answered, although not asked
            wrong.append({**base, question.id: random_value(rulebase, question, random.Random(1))})
    for answers in wrong:
        refused_by_assess = not accepted_by_assess(triage, answers)
        if refused_by_assess and not triage.conclude({k: v for k, v in answers.items()
                                                      if k in rulebase.questions_by_id}).not_asked:
            assert not answers_validator.is_valid(answers), sorted(set(base) ^ set(answers))


def _random_answers(rulebase, rng):
    """Answers that mostly follow asked_when, sometimes answer a question not asked or skip one."""
    answers = {}
    for question in rulebase.questions:
        asked = question.is_asked(answers)
        if (asked and rng.random() > 0.05) or (not asked and rng.random() < 0.1):
            answers[question.id] = random_value(rulebase, question, rng)
    return answers


def test_on_random_answers_the_schema_accepts_exactly_what_assess_accepts(rulebase, triage, answers_validator):
    rng = random.Random(3)
    compared, disagreed = 0, []
    for _ in range(1000):
        answers = _random_answers(rulebase, rng)
        by_assess = accepted_by_assess(triage, answers)
        if by_assess and triage.assess(answers).not_asked:
            continue  # the emergency exception, which a schema cannot express
        compared += 1
        if answers_validator.is_valid(answers) != by_assess:
            disagreed.append(answers)
    assert disagreed == []
    assert compared > 500


def test_what_the_schema_cannot_express_whole_numbers_written_as_decimals(rulebase, triage, answers_validator):
    """JSON Schema's integer includes 10.0; assess refuses it. Listed in the README."""
    base = _full_answers(rulebase, triage)
    qid = next(q for q in base if rulebase.question(q).type == "int")
    answers = {**base, qid: float(base[qid])}
    assert answers_validator.is_valid(answers)
    assert not accepted_by_assess(triage, answers)


def test_what_the_schema_cannot_express_the_emergency_exception(rulebase, triage, answers_validator):
    """Missing answers are allowed once the given ones reach the most severe disposition. Listed in the README."""
    emergency = rulebase.dispositions[0].code
    for path in CASE_FILES:
        answers = case_answers(path)
        if triage.assess(answers).disposition == emergency:
            order = [q.id for q in rulebase.questions if q.id in answers]
            shortest = next(p for p in ({q: answers[q] for q in order[:n]} for n in range(1, len(order)))
                            if triage.conclude(p).disposition == emergency)
            assert accepted_by_assess(triage, shortest)
            assert not answers_validator.is_valid(shortest)
            return
    pytest.skip("no worked case reaches the most severe disposition")


def test_result_schema_refuses_codes_outside_the_vocabulary(result_validator, triage, healthy):
    result = triage.assess(healthy).to_json()
    assert not result_validator.is_valid({**result, "disposition": "keep_calm"})
    assert not result_validator.is_valid({**result, "plan": [{"code": "yoga"}]})
    if result["plan"]:
        item = result["plan"][0]
        assert not result_validator.is_valid({**result, "plan": [{**item, "colour": "red"}]})


def test_batch_lines_fit_the_result_schema(result_validator, healthy, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "x", **healthy}) + "\n")
    (line,) = invoke("batch", source, "--jobs", 1).stdout.splitlines()
    assert result_validator.is_valid(json.loads(line))


def test_the_schema_compiles_under_ajv_strict_mode_with_no_warning(schema, tmp_path):
    """Ajv (the validator most JavaScript integrators use), strict mode: every keyword typed, every required named."""
    from node_support import node, node_modules
    from conftest import TESTS

    node_modules("ajv", "ajv-formats")
    path = tmp_path / "answers.schema.json"
    path.write_text(json.dumps(schema))

    run = node(TESTS / "node" / "ajv_strict.js", path)

    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(run.stdout)
    assert report == {"error": None, "warnings": [], "compiled": [schema["$id"], schema["$defs"]["result"]["$id"]]}


def test_the_schema_checks_under_jsonschema_with_no_warning(schema, recwarn):
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).is_valid({})
    assert [str(w.message) for w in recwarn] == []
