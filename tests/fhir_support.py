"""Helpers for the FHIR and JSON Schema tests: worked cases, FHIR validation, and FHIR's own enableWhen semantics."""

import functools
import json
import random

import fhirpathpy
from fhir.resources.R4B import get_fhir_model_class
from fhirpathpy.models import models

from conftest import TESTS
from spinewise.fhir.common import unwrap
from spinewise.fhir.questionnaire import CONTINUE_LINK
from spinewise.rulebase.conditions import questions_read
from spinewise.fhir.response import response_resource

CASE_FILES = sorted((TESTS / "vignettes").glob("*.json")) + sorted((TESTS / "cases").glob("*.json"))
ENABLE_WHEN_EXPRESSION = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression"


def case_id(path) -> str:
    return f"{path.parent.name}/{path.stem}"


def case_answers(path) -> dict:
    return json.loads(path.read_text())["answers"]


def validate(resource: dict):
    """Parse with fhir.resources' R4B models (the closest to R4 it ships); raises on any invalid element."""
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def entries(bundle: dict, kind: str) -> list:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def walk_items(items):
    for item in items:
        yield item
        yield from walk_items(item.get("item", []))
        for answer in item.get("answer", []):
            yield from walk_items(answer.get("item", []))


def question_items(questionnaire: dict) -> dict:
    return {item["linkId"]: item for item in walk_items(questionnaire["item"]) if item["type"] not in ("group", "display")}


# --- FHIR R4 enableWhen, written from the specification, independent of spinewise ----------

def _value(answer: dict):
    (key, value), = ((k, v) for k, v in answer.items() if k.startswith("value"))
    return (value["system"], value["code"]) if key == "valueCoding" else value


def _enable_when_holds(test: dict, answers: dict) -> bool:
    given = [_value(a) for a in answers.get(test["question"], [])]
    (key, wanted), = ((k, v) for k, v in test.items() if k.startswith("answer"))
    if key == "answerCoding":
        wanted = (wanted["system"], wanted["code"])
    op = test["operator"]
    if op == "exists":
        return bool(given) == wanted
    if op == "=":
        return any(value == wanted for value in given)
    if op == "!=":
        return all(value != wanted for value in given)  # true when unanswered, as R4 says
    compare = {">": lambda a, b: a > b, "<": lambda a, b: a < b, ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b}[op]
    return any(compare(value, wanted) for value in given)


@functools.lru_cache(maxsize=None)
def _compiled(expression: str):
    """FHIRPath parsed once (the random tests evaluate each expression thousands of times)."""
    return fhirpathpy.compile(expression, models["r4"])


def fhir_enabled(item: dict, response: dict) -> bool:
    """Whether a renderer enables `item` given the (enabled) answers in `response`."""
    for extension in item.get("extension", []):
        if extension["url"] == ENABLE_WHEN_EXPRESSION:
            expression = extension["valueExpression"]["expression"]
            return _compiled(expression)(response, {"resource": response}) == [True]
    tests = item.get("enableWhen")
    if not tests:
        return True
    answers = {i["linkId"]: i.get("answer", []) for i in walk_items(response.get("item", []))}
    results = [_enable_when_holds(test, answers) for test in tests]
    return any(results) if item.get("enableBehavior") == "any" else all(results)


# --- random answers ------------------------------------------------------------------------

def interesting_numbers(rulebase, question) -> list:
    numbers = {question.minimum, question.maximum}
    for other in rulebase.questions:
        for test in _tests(other.asked_when):
            if test.question == question.id:
                for value in test.value if isinstance(test.value, (list, tuple)) else [test.value]:
                    numbers.update({value - 1, value, value + 1})
    return sorted(n for n in numbers if isinstance(n, int) and question.minimum <= n <= question.maximum)


def _tests(condition):
    condition = unwrap(condition)
    if condition is None:
        return []
    if hasattr(condition, "items"):
        return [t for item in condition.items for t in _tests(item)]
    return [condition]


def random_value(rulebase, question, rng: random.Random):
    if question.type == "bool":
        return rng.random() < 0.5
    if question.type == "int":
        return rng.choice(interesting_numbers(rulebase, question) + [rng.randint(question.minimum, question.maximum)])
    values = list(question.allowed_values)
    if question.type == "choice":
        return rng.choice(values)
    return rng.sample(values, rng.randint(1, len(values)))


def ancestry(items, parents=()) -> dict:
    """linkId -> the items from the top-level group down to the item itself."""
    found = {}
    for item in items:
        path = parents + (item,)
        found[item["linkId"]] = path
        found.update(ancestry(item.get("item", []), path))
    return found


def check_enablement(triage, rulebase, questionnaire: dict, rng: random.Random, skip: float = 0.1,
                     only: frozenset | None = None) -> int:
    """Answer one random questionnaire in order; at each question FHIR must enable exactly what spinewise asks,
    except that once the answers give the disposition that stops the questionnaire, the rest is shown only
    when the lifter chose to go on (the alert's boolean item).

    Returns how many questions were compared. Some asked questions are left unanswered
    (`skip`), as a lifter stopping early would. `only`: compare just these questions (the
    walk still answers every question), where the others were compared already.
    """
    paths = ancestry(questionnaire["item"])
    stop = rulebase.roles.stop_disposition
    continuing = rng.random() < 0.5
    deciding = _stop_questions(rulebase)
    given: dict = {}
    compared = 0
    for question in rulebase.questions:
        # only the rules that give the stopping disposition matter, and they read only `deciding`
        stopped = _stops(triage, json.dumps({q: v for q, v in given.items() if q in deciding}, sort_keys=True)) == stop
        asked = question.is_asked(given) and (not stopped or continuing)
        if only is not None and question.id not in only:
            if asked and rng.random() >= skip:
                given[question.id] = random_value(rulebase, question, rng)
            continue
        compared += 1
        response = response_resource(rulebase, given)
        if stopped and CONTINUE_LINK in paths:
            assert all(fhir_enabled(item, response) for item in paths[CONTINUE_LINK]), given
        if continuing and stopped:
            response["item"].append({"linkId": CONTINUE_LINK, "answer": [{"valueBoolean": True}]})
        enabled = all(fhir_enabled(item, response) for item in paths[question.id])
        assert enabled == asked, (question.id, given, continuing)
        if asked and rng.random() >= skip:
            given[question.id] = random_value(rulebase, question, rng)
    return compared


@functools.lru_cache(maxsize=4096)
def _stops(triage, answers_json: str) -> str:
    return triage.conclude(json.loads(answers_json)).disposition


def _stop_questions(rulebase) -> set:
    stop = rulebase.roles.stop_disposition
    return {qid for rule in rulebase.active_rules(include_draft=True) if rule.disposition == stop
            for qid in questions_read(rule.when)}
