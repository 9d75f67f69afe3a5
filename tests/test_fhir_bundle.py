"""`assess --format fhir` and `batch --format fhir`: the result as a Bundle a clinic system can store."""

import json

import pytest

from conftest import TESTS, invoke
from fhir_support import CASE_FILES, case_answers, case_id, entries, validate
from spinewise.fhir.common import ATTRIBUTE_EXTENSION, DRAFTS_EXTENSION, PHASE_EXTENSION, RULE_EXTENSION, SHA256_EXTENSION
from spinewise.fhir.common import standard_code_keys, standard_codings
from spinewise.fhir.response import answers_from_response

STANDARD_SYSTEMS = ("http://snomed.info/sct", "http://loinc.org")


def assess(answers, tmp_path, fmt):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    run = invoke("assess", "--answers", path, "--format", fmt)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def vocabulary():
    """Every code system the Questionnaire bundle publishes: url -> {code: display}."""
    bundle = json.loads(invoke("questions", "--format", "fhir-bundle").stdout)
    return {cs["url"]: {c["code"]: c["display"] for c in cs["concept"]} for cs in entries(bundle, "CodeSystem")}


def codings(value):
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            yield value
        for item in value.values():
            yield from codings(item)
    elif isinstance(value, list):
        for item in value:
            yield from codings(item)


def extension(resource, url):
    return [e for e in resource.get("extension", []) if e["url"] == url]


def attributes(detail) -> dict:
    found = {}
    for ext in extension(detail, ATTRIBUTE_EXTENSION):
        (name,) = [e["valueString"] for e in ext["extension"] if e["url"] == "name"]
        values = [next(v for k, v in e.items() if k.startswith("value")) for e in ext["extension"] if e["url"] == "value"]
        found[name] = values if len(values) > 1 else values[0]
    return found


@pytest.mark.parametrize("path", CASE_FILES, ids=case_id)
def test_the_bundle_holds_the_same_outcome_as_the_json_result(path, tmp_path, rulebase, vocabulary):
    answers = case_answers(path)
    result, bundle = assess(answers, tmp_path, "json"), assess(answers, tmp_path, "fhir")

    validate(bundle)
    assert bundle["type"] == "collection"
    (response,), (impression,), (plan,) = (entries(bundle, kind) for kind in
                                           ("QuestionnaireResponse", "ClinicalImpression", "CarePlan"))
    assert answers_from_response(rulebase, response) == result["answers"]

    assert [f["itemCodeableConcept"]["coding"][0]["code"] for f in impression["finding"]] == \
        [f["code"] for f in result["findings"]]
    for fhir_finding, finding in zip(impression["finding"], result["findings"]):
        assert extension(fhir_finding, RULE_EXTENSION)[0]["valueString"] == finding["rule"]
        assert finding["rule"] in fhir_finding["basis"] and finding["source"] in fhir_finding["basis"]
        for qid in finding["because"]:
            assert qid in fhir_finding["basis"]

    assert plan["category"][0]["coding"][0]["code"] == result["disposition"]
    details = [activity["detail"] for activity in plan.get("activity", [])]  # none when there is nothing to do
    assert [d["code"]["coding"][0]["code"] for d in details] == [p["code"] for p in result["plan"]]
    for detail, item in zip(details, result["plan"]):
        assert attributes(detail) == {k: v for k, v in item.items() if k not in ("code", "phase")}
        assert extension(detail, PHASE_EXTENSION)[0]["valueCoding"]["code"] == item["phase"]
        now = item["phase"] == rulebase.phases[0].code
        referral = rulebase.disposition(result["disposition"]).referral
        assert detail["status"] == ("not-started" if now else "on-hold" if referral else "scheduled")

    for resource in (impression, plan):
        assert extension(resource, SHA256_EXTENSION)[0]["valueString"] == result["rulebase"]["sha256"]
        assert extension(resource, DRAFTS_EXTENSION)[0]["valueBoolean"] is False
    assert impression["protocol"] == [response["questionnaire"]]
    assert response["questionnaire"].endswith("|" + result["rulebase"]["version"])

    for coding in codings(bundle):
        if coding["system"] in STANDARD_SYSTEMS:
            assert coding in [c for key in standard_code_keys("findings") for c in standard_codings("findings", key)]
        else:
            assert vocabulary[coding["system"]][coding["code"]] == coding["display"], coding


def test_the_resources_reference_each_other_inside_the_bundle(healthy, tmp_path):
    bundle = assess(healthy, tmp_path, "fhir")
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    (impression,), (plan,) = entries(bundle, "ClinicalImpression"), entries(bundle, "CarePlan")
    references = [i["reference"] for i in impression["investigation"][0]["item"]]
    references += [r["reference"] for r in impression["supportingInfo"] + plan["supportingInfo"]]
    assert references and set(references) <= urls


def test_the_same_answers_give_the_same_bundle(healthy, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first, second = assess(healthy, tmp_path, "fhir"), assess(healthy, tmp_path, "fhir")
    assert first == second
    assert entries(first, "ClinicalImpression")[0]["date"] == "2023-11-14"


def test_questions_not_asked_after_an_emergency_are_noted(rulebase, triage, tmp_path):
    emergency = rulebase.dispositions[0].code
    cases = [case_answers(path) for path in CASE_FILES]
    answers = next((a for a in cases if triage.assess(a).disposition == emergency), None)
    if answers is None:
        pytest.skip("no worked case reaches the most severe disposition")
    order = [q.id for q in rulebase.questions if q.id in answers]
    prefixes = ({q: answers[q] for q in order[:n]} for n in range(1, len(order)))
    shortest = next(p for p in prefixes if triage.conclude(p).disposition == emergency)

    result = assess(shortest, tmp_path, "json")

    assert result["not_asked"]
    notes = " ".join(n["text"] for n in entries(assess(shortest, tmp_path, "fhir"), "ClinicalImpression")[0]["note"])
    assert all(qid in notes for qid in result["not_asked"])


def test_batch_writes_one_bundle_per_line_and_an_operation_outcome_for_a_bad_line(healthy, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a-1", **healthy}) + "\n" + json.dumps({"id": 7, "tailbone": True}) + "\n")

    run = invoke("batch", source, "--format", "fhir", "--jobs", 1)

    good, bad = [json.loads(line) for line in run.stdout.splitlines()]
    validate(good), validate(bad)
    assert good["identifier"]["value"] == "a-1" and len(entries(good, "CarePlan")) == 1
    assert bad["identifier"]["value"] == "7"
    (outcome,) = entries(bad, "OperationOutcome")
    assert "line 2" in outcome["issue"][0]["diagnostics"] and "'tailbone'" in outcome["issue"][0]["diagnostics"]
    assert "1 assessed, 1 refused" in run.stderr


def test_batch_in_parallel_gives_the_same_bundles(healthy, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": n, **healthy}) + "\n" for n in range(5)))
    one = invoke("batch", source, "--format", "fhir", "--jobs", 1).stdout
    two = invoke("batch", source, "--format", "fhir", "--jobs", 2).stdout
    assert one == two and len(one.splitlines()) == 5


def test_the_clinical_impression_says_it_is_not_a_diagnosis_and_who_reviewed_the_rules(tmp_path, rulebase):
    answers = json.loads((TESTS / "vignettes" / "tuck_pain_on_lowering.json").read_text())["answers"]
    (impression,) = entries(assess(answers, tmp_path, "fhir"), "ClinicalImpression")
    notes = [note["text"] for note in impression["note"]]
    assert "not a diagnosis" in notes[0]
    assert notes[1].startswith("No licensed clinician has reviewed the rules in use yet")


def test_a_response_still_in_progress_gives_an_assessment_in_progress_and_a_draft_plan(rulebase, healthy, tmp_path):
    from spinewise.fhir.response import response_resource

    response = {**response_resource(rulebase, healthy), "status": "in-progress", "id": "r-2",
                "subject": {"reference": "Patient/9"}, "encounter": {"reference": "Encounter/4"}}
    bundle = assess(response, tmp_path, "fhir")
    (kept,), (impression,), (plan,) = (entries(bundle, kind) for kind in
                                       ("QuestionnaireResponse", "ClinicalImpression", "CarePlan"))
    assert kept == response
    assert impression["status"] == "in-progress" and plan["status"] == "draft"
    assert impression["subject"] == plan["subject"] == {"reference": "Patient/9"}
    assert impression["encounter"] == plan["encounter"] == {"reference": "Encounter/4"}


def test_batch_keeps_each_response_as_given(rulebase, healthy, tmp_path):
    from spinewise.fhir.response import response_resource

    response = {**response_resource(rulebase, healthy), "id": "line-resp", "subject": {"reference": "Patient/1"}}
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(response) + "\n")
    (line,) = invoke("batch", source, "--format", "fhir", "--jobs", 1).stdout.splitlines()
    bundle = json.loads(line)
    assert entries(bundle, "QuestionnaireResponse") == [response]
    assert bundle["identifier"]["value"] == "line-resp"
    assert entries(bundle, "CarePlan")[0]["subject"] == {"reference": "Patient/1"}
