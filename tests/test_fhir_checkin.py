"""The weekly check-in in FHIR: its own Questionnaire (`questions --format fhir-checkin`), the
journal's check-in QuestionnaireResponses naming it and read back by `checkin`, and the points
issue 26 found with the tools (subject, narrative, a renamed group, the fever item's code)."""

import json

import pytest

from checkin_support import FIRST, WEEK, started_journal
from conftest import invoke
from fhir_support import entries, question_items, validate, walk_items

CHECKIN = json.loads(invoke("questions", "--format", "fhir-checkin").stdout)
ASSESSMENT = json.loads(invoke("questions", "--format", "fhir").stdout)


def test_the_checkin_questionnaire_has_its_own_canonical_and_validates():
    validate(CHECKIN)
    assert CHECKIN["url"].endswith("/Questionnaire/checkin") and CHECKIN["url"] != ASSESSMENT["url"]
    assert CHECKIN["version"] == ASSESSMENT["version"] and CHECKIN["id"] == "checkin"
    assert "weekly check-in" in CHECKIN["title"]


@pytest.mark.parametrize("questionnaire", [CHECKIN, ASSESSMENT], ids=["checkin", "assessment"])
def test_every_enable_when_reads_an_item_of_its_own_questionnaire(questionnaire):
    links = {item["linkId"] for item in walk_items(questionnaire["item"])}
    for item in walk_items(questionnaire["item"]):
        for test in item.get("enableWhen", []):
            assert test["question"] in links, (item["linkId"], test["question"])


def test_journal_values_the_questions_depend_on_come_first():
    first = CHECKIN["item"][0]
    assert first["text"] == "From your journal"
    assert {item["linkId"] for item in first["item"]} == {"last_disposition", "cancer_history_answered"}


def _journal_bundle(tmp_path):
    journal = started_journal(tmp_path)
    week = tmp_path / "week.json"
    week.write_text(json.dumps(WEEK))
    run = invoke("checkin", "--journal", journal, "--answers", week, "--date", "2026-11-09", "--format", "json")
    assert run.exit_code == 0
    bundle = json.loads(invoke("journal", "show", "--journal", journal, "--format", "fhir").stdout)
    return bundle, json.loads(run.stdout)


def test_the_journals_checkin_responses_name_the_checkin_questionnaire_and_carry_subject(tmp_path):
    bundle, _ = _journal_bundle(tmp_path)
    assessment, checkin = entries(bundle, "QuestionnaireResponse")
    assert assessment["questionnaire"] == f"{ASSESSMENT['url']}|{ASSESSMENT['version']}"
    assert checkin["questionnaire"] == f"{CHECKIN['url']}|{CHECKIN['version']}"
    links = {item["linkId"] for item in walk_items(CHECKIN["item"])}
    assert {item["linkId"] for item in walk_items(checkin["item"])} <= links
    for response in (assessment, checkin):
        assert response["subject"]["display"]
        validate(response)
    for observation in entries(bundle, "Observation"):
        assert observation["text"]["status"] == "generated" and "out of 10" in observation["text"]["div"]


def test_checkin_reads_its_response_as_answers_and_gets_the_same_result(tmp_path):
    (tmp_path / "a").mkdir()
    bundle, by_json = _journal_bundle(tmp_path / "a")
    response = entries(bundle, "QuestionnaireResponse")[1]
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response))
    (tmp_path / "b").mkdir()
    journal = started_journal(tmp_path / "b")
    run = invoke("checkin", "--journal", journal, "--answers", path, "--date", "2026-11-09", "--format", "json")
    assert run.exit_code == 0, run.stderr
    by_response = json.loads(run.stdout)
    assert by_response["disposition"] == by_json["disposition"] and by_response["plan"] == by_json["plan"]
    assert by_response["answers"] == by_json["answers"]
    refused = invoke("assess", "--answers", path)
    assert refused.exit_code == 2 and "give the response to spinewise checkin" in refused.stderr


def test_a_renamed_group_is_named_not_reported_as_missing_answers(tmp_path):
    from conftest import RULES
    from spinewise.fhir.response import response_resource
    from spinewise.rulebase.load import load_rulebase

    response = response_resource(load_rulebase(RULES), FIRST)
    response["item"][0]["linkId"] = "section-red-flags"
    path = tmp_path / "renamed.json"
    path.write_text(json.dumps(response))
    run = invoke("assess", "--answers", path)
    assert run.exit_code == 2
    assert "group linkId 'section-red-flags' is not a group of this Questionnaire" in run.stderr
    assert "saddle_numbness" in run.stderr and "missing answer" not in run.stderr


def test_the_fever_item_carries_no_code_narrower_than_its_question():
    for questionnaire in (ASSESSMENT, CHECKIN):
        fever = question_items(questionnaire)["fever"]
        assert "chills" in fever["text"] and "code" not in fever
