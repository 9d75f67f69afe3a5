"""A FHIR QuestionnaireResponse is accepted wherever an answers object is, with the same checks and result."""

import json

import pytest

from conftest import invoke
from fhir_support import CASE_FILES, case_answers, case_id, validate
from spinewise.fhir.response import answers_from_response, response_resource


def assess_json(answers_or_resource, tmp_path, name="answers.json"):
    path = tmp_path / name
    path.write_text(json.dumps(answers_or_resource))
    return invoke("assess", "--answers", path, "--format", "json")


def assert_refused(run, *words):
    assert run.exit_code == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize("path", CASE_FILES, ids=case_id)
def test_every_worked_case_gives_the_same_result_as_a_questionnaire_response(path, tmp_path, rulebase):
    answers = case_answers(path)
    response = response_resource(rulebase, answers)
    validate(response)
    assert answers_from_response(rulebase, response) == answers

    plain, fhir = assess_json(answers, tmp_path), assess_json(response, tmp_path, "response.json")

    assert plain.exit_code == fhir.exit_code == 0, fhir.stderr
    assert json.loads(fhir.stdout) == json.loads(plain.stdout)


def _first(rulebase, kind):
    return next(q for q in rulebase.questions if q.type == kind and q.asked_when is None)


def _find(response, link_id):
    return next(item for group in response["item"] for item in group["item"] if item["linkId"] == link_id)


@pytest.fixture
def response(rulebase, healthy):
    return response_resource(rulebase, healthy)


def test_items_need_not_be_grouped(response, healthy, tmp_path):
    flat = {**response, "item": [item for group in response["item"] for item in group["item"]]}
    assert json.loads(assess_json(flat, tmp_path).stdout) == json.loads(assess_json(healthy, tmp_path).stdout)


def test_a_response_from_standard_input_works_too(response, healthy):
    run = invoke("assess", "--answers", "-", "--format", "json", input=json.dumps(response))
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["answers"] == healthy


def test_an_unknown_link_id_is_refused_with_the_known_ones(response, rulebase, tmp_path):
    response["item"][0]["item"].append({"linkId": "tailbone", "answer": [{"valueBoolean": True}]})
    assert_refused(assess_json(response, tmp_path), "unknown linkId 'tailbone'", rulebase.questions[0].id)


def test_two_answers_to_a_non_repeating_item_are_refused(response, rulebase, tmp_path):
    question = _first(rulebase, "bool")
    _find(response, question.id)["answer"] = [{"valueBoolean": True}, {"valueBoolean": False}]
    assert_refused(assess_json(response, tmp_path), question.id, "2 answers to a non-repeating item", "valueBoolean")


def test_the_same_question_answered_in_two_items_is_refused(response, rulebase, tmp_path):
    question = _first(rulebase, "bool")
    response["item"][-1]["item"].append(_find(response, question.id))
    assert_refused(assess_json(response, tmp_path), question.id, "answered twice")


@pytest.mark.parametrize("kind, wrong, words", [
    ("bool", {"valueString": "yes"}, ["valueString is not allowed", "valueBoolean (true or false)"]),
    ("int", {"valueDecimal": 10.5}, ["valueDecimal is not allowed", "valueInteger (a whole number from"]),
    ("choice", {"valueString": "x"}, ["valueString is not allowed", "valueCoding", "one of"]),
    ("multi", {"valueBoolean": True}, ["valueBoolean is not allowed", "valueCoding"]),
    ("bool", {}, ["no value is not allowed"]),
])
def test_a_value_of_the_wrong_type_is_refused_naming_what_is_allowed(response, rulebase, tmp_path, kind, wrong, words):
    question = _first(rulebase, kind)
    _find(response, question.id)["answer"] = [wrong]
    assert_refused(assess_json(response, tmp_path), f"item {question.id}", *words)


def test_a_code_outside_the_options_is_refused_like_a_plain_answer(response, rulebase, tmp_path):
    question = _first(rulebase, "choice")
    coding = _find(response, question.id)["answer"][0]["valueCoding"]
    coding["code"] = "sideways"
    assert_refused(assess_json(response, tmp_path), question.id, '"sideways"', ", ".join(question.allowed_values))


def test_a_code_from_another_system_is_refused(response, rulebase, tmp_path):
    question = _first(rulebase, "choice")
    _find(response, question.id)["answer"][0]["valueCoding"]["system"] = "http://loinc.org"
    assert_refused(assess_json(response, tmp_path), question.id, "http://loinc.org", "not allowed")


def test_an_integer_out_of_range_is_refused_like_a_plain_answer(response, rulebase, tmp_path):
    question = _first(rulebase, "int")
    _find(response, question.id)["answer"] = [{"valueInteger": question.maximum + 1}]
    assert_refused(assess_json(response, tmp_path), question.id, "out of range", str(question.maximum))


def test_every_problem_is_named_in_one_line(response, rulebase, tmp_path):
    flag, number = _first(rulebase, "bool"), _first(rulebase, "int")
    _find(response, flag.id)["answer"] = [{"valueString": "yes"}]
    _find(response, number.id)["answer"] = [{"valueInteger": 1}, {"valueInteger": 2}]
    response["item"][0]["item"].append({"linkId": "nonsense", "answer": [{"valueBoolean": True}]})
    assert_refused(assess_json(response, tmp_path), flag.id, number.id, "nonsense")


def test_a_missing_answer_is_refused_like_a_plain_answer(response, rulebase, tmp_path):
    question = _first(rulebase, "bool")
    _find(response, question.id).pop("answer")
    assert_refused(assess_json(response, tmp_path), question.id, "missing answer: saddle_numbness")


def test_a_response_to_another_questionnaire_is_refused(response, tmp_path):
    response["questionnaire"] = "http://example.org/Questionnaire/phq-9"
    assert_refused(assess_json(response, tmp_path), "phq-9")


def test_another_fhir_resource_is_not_taken_for_answers(tmp_path):
    assert_refused(assess_json({"resourceType": "Patient", "id": "p1"}, tmp_path), "Patient", "QuestionnaireResponse")


def test_batch_takes_responses_and_answers_objects_line_by_line(rulebase, healthy, tmp_path):
    response = {"id": "r-1", **response_resource(rulebase, healthy)}
    broken = {**response, "id": "r-2", "item": [{"linkId": "nonsense", "answer": [{"valueBoolean": True}]}]}
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in ({"id": "a-1", **healthy}, response, broken)) + "\n")

    run = invoke("batch", source, "--jobs", 1)

    plain, fhir, bad = [json.loads(line) for line in run.stdout.splitlines()]
    assert (plain.pop("id"), fhir.pop("id")) == ("a-1", "r-1")
    assert fhir == plain
    assert bad["id"] == "r-2" and "nonsense" in bad["error"] and "disposition" not in bad


def test_a_response_to_another_version_is_refused_in_one_line(response, rulebase, tmp_path):
    response["questionnaire"] = response["questionnaire"].split("|")[0] + "|1.1.0"
    assert_refused(assess_json(response, tmp_path), "version 1.1.0 of the Questionnaire",
                   f"this rule base is version {rulebase.version}")


def test_every_problem_of_a_response_is_named_at_once(response, rulebase, tmp_path):
    choice = _first(rulebase, "choice")
    _find(response, choice.id)["answer"][0]["valueCoding"]["system"] = "http://loinc.org"
    number = _first(rulebase, "int")
    _find(response, number.id)["answer"] = [{"valueInteger": number.maximum + 1}]

    run = assess_json(response, tmp_path)

    assert_refused(run, f"item {choice.id}: code system 'http://loinc.org'", f"{number.id}: {number.maximum + 1}")
    assert "missing" not in run.stderr  # the refused item is not also called missing
