"""The question vocabulary as an R4 Questionnaire, with the CodeSystems its answer options use."""

from __future__ import annotations

from spinewise.fhir.common import (QUESTIONNAIRE_ID, SHA256_IDENTIFIER, answer_system, code_systems, coding,
                                   computable_name, questionnaire_url, slug, status)
from spinewise.fhir.enable import enable_fields

ITEM_TYPES = {"bool": "boolean", "int": "integer", "choice": "choice", "multi": "choice"}
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"


def questionnaire_resource(rulebase) -> dict:
    """The R4 Questionnaire: one group per run of questions in the same section, one item per question."""
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": questionnaire_url(rulebase),
        "identifier": [{"system": SHA256_IDENTIFIER, "value": rulebase.content_hash}],
        "version": rulebase.version,
        "name": computable_name(rulebase.name),
        "title": rulebase.name,
        "status": status(rulebase),
        "subjectType": ["Patient"],
        "item": [_group(link_id, title, questions, rulebase) for link_id, title, questions in sections(rulebase)],
    }


def questionnaire_bundle(rulebase) -> dict:
    """The Questionnaire and every CodeSystem it or a result uses, as one `collection` Bundle."""
    resources = [questionnaire_resource(rulebase)] + code_systems(rulebase)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": resource["url"], "resource": resource} for resource in resources],
    }


def sections(rulebase) -> list[tuple]:
    """(group linkId, title, questions) for each run of consecutive questions in one section, in file order.

    A section that comes back after another one gets a second group (linkId suffix -2), so
    the questions keep the order they are asked in.
    """
    runs: list[tuple] = []
    for question in rulebase.questions:
        if runs and runs[-1][1] == question.section:
            runs[-1][2].append(question)
        else:
            runs.append((None, question.section, [question]))
    seen: dict = {}
    named = []
    for _, title, questions in runs:
        link_id = "section-" + slug(title or "questions")
        seen[link_id] = seen.get(link_id, 0) + 1
        named.append((link_id if seen[link_id] == 1 else f"{link_id}-{seen[link_id]}", title, questions))
    return named


def help_link_id(question) -> str:
    return f"{question.id}.help"


def _group(link_id: str, title: str, questions: list, rulebase) -> dict:
    return {"linkId": link_id, "text": title or "Questions", "type": "group",
            "item": [_item(question, rulebase) for question in questions]}


def _item(question, rulebase) -> dict:
    item = {"linkId": question.id, "text": question.text, "type": ITEM_TYPES[question.type], "required": True}
    if question.type == "multi":
        item["repeats"] = True
    enable = enable_fields(question, rulebase)
    extensions = enable.pop("extension", [])
    if question.type == "int":
        extensions = [{"url": MIN_VALUE, "valueInteger": question.minimum},
                      {"url": MAX_VALUE, "valueInteger": question.maximum}] + extensions
    if extensions:
        item = {"extension": extensions, **item}
    item.update(enable)
    if question.choices:
        system = answer_system(rulebase, question)
        item["answerOption"] = [{"valueCoding": coding(system, c.value, c.label)} for c in question.choices]
    if question.hint:
        item["item"] = [_help(question)]
    return item


def _help(question) -> dict:
    """The hint as FHIR's standard help text: a display child with item control `help`."""
    return {
        "extension": [{"url": ITEM_CONTROL, "valueCodeableConcept": {
            "coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help", "display": "Help-Button"}]}}],
        "linkId": help_link_id(question),
        "text": question.hint,
        "type": "display",
    }
