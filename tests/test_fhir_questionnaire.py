"""`spinewise questions --format fhir`: an R4 Questionnaire and its CodeSystems, derived from questions.yaml."""

import dataclasses
import json
import random

import pytest

from conftest import invoke
from fhir_support import check_enablement, entries, question_items, validate, walk_items
from spinewise.fhir.common import FhirExportError
from spinewise.fhir.enable import ENABLE_WHEN_EXPRESSION
from spinewise.fhir.questionnaire import ALERT_LINK, questionnaire_resource
from spinewise.rulebase.conditions import AllOf, AnswerTest, AnyOf, FactTest
from spinewise.rulebase.operators import OPERATORS

MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
FHIR_TYPES = {"bool": "boolean", "int": "integer", "choice": "choice", "multi": "choice"}


@pytest.fixture(scope="module")
def bundle():
    run = invoke("questions", "--format", "fhir-bundle")
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def questionnaire(bundle):
    run = invoke("questions", "--format", "fhir")
    assert run.exit_code == 0, run.stderr
    printed = json.loads(run.stdout)
    assert printed["resourceType"] == "Questionnaire"  # what form fillers and Questionnaire endpoints take
    assert entries(bundle, "Questionnaire") == [printed]
    return printed


def test_the_bundle_and_every_resource_in_it_are_valid_fhir(bundle):
    validate(bundle)
    assert bundle["type"] == "collection"
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} == {"Questionnaire", "CodeSystem"}
    for entry in bundle["entry"]:
        validate(entry["resource"])
        assert entry["fullUrl"] == entry["resource"]["url"]


def test_one_item_per_question_in_the_order_asked_grouped_by_section(questionnaire, rulebase):
    groups = [group for group in questionnaire["item"] if group["linkId"] != ALERT_LINK]
    assert all(group["type"] == "group" for group in groups)
    asked = [(group["text"], item["linkId"]) for group in groups for item in group["item"]]
    assert asked == [(q.section, q.id) for q in rulebase.questions]
    assert len({group["linkId"] for group in groups}) == len(groups)


def test_items_carry_type_required_limits_options_and_help(questionnaire, bundle, rulebase):
    items = question_items(questionnaire)
    systems = {cs["url"]: {c["code"]: c["display"] for c in cs["concept"]} for cs in entries(bundle, "CodeSystem")}
    for question in rulebase.questions:
        item = items[question.id]
        assert item["type"] == FHIR_TYPES[question.type]
        assert item["text"] == question.text
        # required, unless an enableWhenExpression (its own or a group's) can hide it: form fillers
        # check only what plain enableWhen hides (see test_fhir_lhc_forms.py)
        hidden_by_expression = any(ENABLE_WHEN_EXPRESSION in json.dumps(group.get("extension", [])) for group in
                                   questionnaire["item"] if item in group["item"]) or \
            ENABLE_WHEN_EXPRESSION in json.dumps(item.get("extension", []))
        assert item["required"] is not hidden_by_expression
        assert item.get("repeats", False) == (question.type == "multi")
        limits = {e["url"]: e["valueInteger"] for e in item.get("extension", []) if e["url"] in (MIN_VALUE, MAX_VALUE)}
        expected = {MIN_VALUE: question.minimum, MAX_VALUE: question.maximum} if question.type == "int" else {}
        assert limits == expected
        options = [o["valueCoding"] for o in item.get("answerOption", [])]
        assert [(o["code"], o["display"]) for o in options] == [(c.value, c.label) for c in question.choices]
        for option in options:
            assert systems[option["system"]][option["code"]] == option["display"]
        helps = [child["text"] for child in item.get("item", []) if child["type"] == "display"]
        assert helps == ([question.hint] if question.hint else [])


def test_version_status_and_hash_come_from_the_rule_base(questionnaire, bundle, rulebase):
    vocabulary = json.loads(invoke("questions", "--format", "json").stdout)["rulebase"]
    assert questionnaire["version"] == vocabulary["version"]
    assert questionnaire["title"] == vocabulary["name"]
    assert [i["value"] for i in questionnaire["identifier"]] == [vocabulary["sha256"]]
    drafts = any(rule.status == "draft" for rule in rulebase.rules)
    assert questionnaire["status"] == ("draft" if drafts else "active")
    assert {cs["version"] for cs in entries(bundle, "CodeSystem")} == {vocabulary["version"]}


def test_the_result_vocabularies_are_code_systems_too(bundle, rulebase):
    codes = {cs["id"]: [c["code"] for c in cs["concept"]] for cs in entries(bundle, "CodeSystem")}
    assert codes["disposition"] == [d.code for d in rulebase.dispositions]
    assert codes["finding"] == [f.code for f in rulebase.findings]
    assert codes["plan-item"] == [p.code for p in rulebase.plan_items]


def test_enable_when_names_only_earlier_questions_and_offered_answers(questionnaire):
    items = question_items(questionnaire)
    order = list(items)
    for link_id, item in items.items():
        for test in item.get("enableWhen", []):
            assert order.index(test["question"]) < order.index(link_id)
            target = items[test["question"]]
            if "answerCoding" in test:
                assert test["answerCoding"] in [o["valueCoding"] for o in target["answerOption"]]
            if "answerInteger" in test:
                assert target["type"] == "integer"
            if "answerBoolean" in test and test["operator"] != "exists":
                assert target["type"] == "boolean"


def test_enable_when_enables_exactly_what_asked_when_asks_on_random_answers(questionnaire, rulebase, triage):
    rng = random.Random(12)
    compared = sum(check_enablement(triage, rulebase, questionnaire, rng) for _ in range(400))
    assert compared == 400 * len(rulebase.questions)


# --- every operator, negated or not, and combinations, on a synthetic last question ----------

def _operand(question, operator):
    kind = OPERATORS[operator].value_kind
    if kind == "none":
        return None
    if question.type == "int":
        middle = (question.minimum + question.maximum) // 2
        return [question.minimum, middle] if kind == "list" else middle
    values = list(question.allowed_values)
    return values[:2] if kind == "list" else values[0]


def _leaves(rulebase):
    """One test per operator and negation, each on the first earlier question of a type it fits."""
    earlier = rulebase.questions[:-1]
    leaves = []
    for name, operator in OPERATORS.items():
        question = next((q for q in earlier if q.type in operator.applies_to), None)
        if question is not None:
            for negated in (False, True):
                leaves.append(AnswerTest(question.id, name, _operand(question, name), negated=negated))
    return leaves


def _asking_last_when(rulebase, condition):
    last = dataclasses.replace(rulebase.questions[-1], asked_when=condition)
    return dataclasses.replace(rulebase, questions=rulebase.questions[:-1] + (last,))


def _conditions(rulebase):
    leaves = _leaves(rulebase)
    rng = random.Random(5)
    pairs = [tuple(rng.sample(leaves, 2)) for _ in range(20)]
    nested = [AnyOf((AllOf(pair), leaves[0])) for pair in pairs[:5]] + [AllOf((AnyOf(pair), leaves[-1])) for pair in pairs[5:10]]
    return leaves + [AllOf(pair) for pair in pairs] + [AnyOf(pair) for pair in pairs] + nested


def test_every_operator_and_combination_translates_to_the_same_enablement(rulebase, triage):
    rng = random.Random(7)
    forms = {"enableWhen": 0, "expression": 0}
    for condition in _conditions(rulebase):
        changed = _asking_last_when(rulebase, condition)
        questionnaire = questionnaire_resource(changed)
        validate(questionnaire)
        item = question_items(questionnaire)[changed.questions[-1].id]
        forms["enableWhen" if "enableWhen" in item else "expression"] += 1
        last = frozenset({changed.questions[-1].id})  # the others are compared on the real questionnaire
        for _ in range(30):
            assert check_enablement(triage, changed, questionnaire, rng, skip=0.2, only=last) == 1
    assert forms["enableWhen"] > 0 and forms["expression"] > 0, forms


def test_a_flat_any_of_a_yes_and_an_includes_stays_plain_enable_when(rulebase):
    """The shape of contract version 2's 'back involved': no FHIRPath needed."""
    flag = next(q for q in rulebase.questions[:-1] if q.type == "bool")
    multi = next((q for q in rulebase.questions[:-1] if q.type == "multi"), None)
    if multi is None:
        pytest.skip("the rule base has no multiple-choice question")
    condition = AnyOf((AnswerTest(flag.id, "is_true"), AnswerTest(multi.id, "contains", multi.allowed_values[-1])))
    item = question_items(questionnaire_resource(_asking_last_when(rulebase, condition)))[rulebase.questions[-1].id]
    assert item["enableBehavior"] == "any"
    assert [(t["question"], t["operator"]) for t in item["enableWhen"]] == [(flag.id, "="), (multi.id, "=")]


def test_nested_conditions_become_an_sdc_fhirpath_expression(rulebase):
    leaves = _leaves(rulebase)
    condition = AnyOf((AllOf((leaves[0], leaves[2])), leaves[4]))
    item = question_items(questionnaire_resource(_asking_last_when(rulebase, condition)))[rulebase.questions[-1].id]
    assert "enableWhen" not in item
    (expression,) = [e["valueExpression"] for e in item["extension"] if "enableWhenExpression" in e["url"]]
    assert expression["language"] == "text/fhirpath"
    assert " or " in expression["expression"] and " and " in expression["expression"]


def test_a_named_condition_is_exported_as_the_condition_it_names(rulebase, triage):
    conditions = pytest.importorskip("spinewise.rulebase.conditions")
    if not hasattr(conditions, "Named"):
        pytest.skip("this rule-base language has no named conditions")
    leaves = _leaves(rulebase)
    named = conditions.Named("back_involved", AnyOf((leaves[0], leaves[2])))
    for condition in (named, AllOf((named, leaves[4]))):
        changed = _asking_last_when(rulebase, condition)
        questionnaire = questionnaire_resource(changed)
        validate(questionnaire)
        rng = random.Random(9)
        for _ in range(30):
            check_enablement(triage, changed, questionnaire, rng, skip=0.2, only=frozenset({changed.questions[-1].id}))


def test_a_condition_fhir_cannot_express_is_refused_naming_the_question(rulebase):
    finding = rulebase.findings[0].code
    changed = _asking_last_when(rulebase, AnyOf((FactTest("finding", finding), _leaves(rulebase)[0])))
    with pytest.raises(FhirExportError, match=rulebase.questions[-1].id):
        questionnaire_resource(changed)


def test_help_items_are_display_items_with_the_help_control(questionnaire):
    helps = [item for item in walk_items(questionnaire["item"])
             if item["type"] == "display" and not item["linkId"].startswith(ALERT_LINK)]
    assert helps
    for item in helps:
        (control,) = item["extension"]
        assert control["valueCodeableConcept"]["coding"][0]["code"] == "help"


def test_the_alert_shows_the_stopping_advice_when_a_stopping_answer_is_given(questionnaire, rulebase):
    (alert,) = [item for item in questionnaire["item"] if item["linkId"] == ALERT_LINK]
    advice, go_on = alert["item"]
    assert alert["text"] == rulebase.stop_disposition.title
    assert advice["type"] == "display" and advice["text"] == " ".join(rulebase.stop_disposition.advice.split())
    assert go_on["type"] == "boolean" and go_on["required"] is False
    stop = rulebase.roles.stop_disposition
    stopping = {rule.when.question for rule in rulebase.active_rules() if rule.disposition == stop}
    assert {test["question"] for test in alert["enableWhen"]} == stopping
