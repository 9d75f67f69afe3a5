"""The question vocabulary as an R4 Questionnaire that form fillers take as printed.

Besides one item per question (grouped by section, "asked when" as enableWhen), the
Questionnaire carries what the rule base says about the emergency, the way the terminal
and web questionnaires do: an alert group, enabled by the answers that give the
disposition which stops the questionnaire, shows its advice and offers to answer the
rest for a full report. Every question after such an answer is enabled only while none is
given, or once the lifter chose to go on; so `required` never forces an answer after an
emergency. A group is enabled when one of its questions can be, so a form
filler shows no empty heading.

An item an SDC enableWhenExpression can hide (its own or a group's around it) is not
`required`: form fillers skip the items plain enableWhen hides when they check a form,
but LHC-Forms, for one, demands the answers an expression hides (the 12 questions after
an emergency answer). spinewise itself still refuses a response that leaves out an
answer it needs, naming each one, so nothing is lost but the form's own early warning.
"""

from __future__ import annotations

from spinewise.fhir.common import (QUESTIONNAIRE_ID, SHA256_IDENTIFIER, answer_system, code_systems, coding,
                                   computable_name, questionnaire_url, slug, standard_codings, status)
from spinewise.fhir.enable import ENABLE_WHEN_EXPRESSION, enable_fields, enable_for, expression_fields, fhirpath
from spinewise.fhir.narrative import narrative, with_text
from spinewise.rulebase.conditions import AnyOf, questions_read

ITEM_TYPES = {"bool": "boolean", "int": "integer", "choice": "choice", "multi": "choice"}
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"

# The alert group and its two items: form items that are not questions of the vocabulary.
ALERT_LINK = "red-flag-alert"
ALERT_ADVICE_LINK = f"{ALERT_LINK}.advice"
CONTINUE_LINK = f"{ALERT_LINK}.continue"
CONTINUE_TEXT = "Answer the other questions too, for a full report?"


def questionnaire_resource(rulebase) -> dict:
    """The R4 Questionnaire: the sections as groups, the alert after the answers that stop it."""
    resource = {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": questionnaire_url(rulebase),
        "identifier": [{"system": SHA256_IDENTIFIER, "value": rulebase.content_hash}],
        "version": rulebase.version,
        "name": computable_name(rulebase.name),
        "title": rulebase.name,
        "status": status(rulebase),
        "subjectType": ["Patient"],
        "item": _not_required_where_an_expression_hides(_items(rulebase)),
    }
    summary = narrative(f"{rulebase.name}, version {rulebase.version}",
                        [f"{len(rulebase.questions)} questions, in the order they are asked."],
                        [question.text for question in rulebase.questions])
    return with_text(resource, summary)


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


def form_links(rulebase) -> set:
    """linkIds of the Questionnaire's items that are not questions: groups, help texts, the alert."""
    links = {link_id for link_id, _, _ in sections(rulebase)} | {help_link_id(q) for q in rulebase.questions}
    return links | ({ALERT_LINK, ALERT_ADVICE_LINK, CONTINUE_LINK} if stop_rules(rulebase) else set())


def help_link_id(question) -> str:
    return f"{question.id}.help"


def stop_rules(rulebase) -> tuple:
    """The conditions of the rules giving the disposition that stops the questionnaire (drafts too: triage up)."""
    stop = rulebase.roles.stop_disposition
    return tuple(rule.when for rule in rulebase.active_rules(include_draft=True) if rule.disposition == stop)


def stop_condition(rulebase, before: int | None = None):
    """Any of the stopping rules' conditions (None when there is none); with `before`, only the rules
    that read nothing but the questions before that position, which is what a question there can follow."""
    order = rulebase.question_places
    whens = [when for when in stop_rules(rulebase)
             if before is None or max(order[qid] for qid in questions_read(when)) < before]
    if not whens:
        return None
    return whens[0] if len(whens) == 1 else AnyOf(tuple(whens))


def _items(rulebase) -> list:
    stop = stop_condition(rulebase)
    order = rulebase.question_places
    read = [order[qid] for qid in questions_read(stop)] if stop else [len(order)]
    screen_end = max(read)
    gate = _gate(stop, rulebase) if stop else None
    items, alert_placed = [], stop is None
    for link_id, title, questions in sections(rulebase):
        whole_group_gated = all(order[q.id] > screen_end for q in questions)
        group = {"linkId": link_id, "text": title or "Questions", "type": "group"}
        group.update(_enabled_when([q.asked_when for q in questions], gate if whole_group_gated else None,
                                   rulebase, link_id))
        group["item"] = [_item(q, rulebase, None if whole_group_gated else _gate_at(rulebase, order[q.id]))
                         for q in questions]
        items.append(group)
        if not alert_placed and order[questions[-1].id] >= screen_end:
            items.append(_alert(stop, rulebase))
            alert_placed = True
    return items


def _not_required_where_an_expression_hides(items: list, hidden: bool = False) -> list:
    for item in items:
        by_expression = hidden or any(e.get("url") == ENABLE_WHEN_EXPRESSION for e in item.get("extension", []))
        if by_expression and "required" in item:
            item["required"] = False
        _not_required_where_an_expression_hides(item.get("item", []), by_expression)
    return items


def _gate_at(rulebase, index: int) -> str | None:
    """The gate of the question at `index`: the stopping answers given before it (a red-flag question
    after a yes to another is asked only when the lifter goes on, as the terminal does)."""
    condition = stop_condition(rulebase, before=index)
    return _gate(condition, rulebase) if condition is not None else None


def _gate(stop, rulebase) -> str:
    """FHIRPath: no answer gives the stopping disposition, or the lifter chose to answer the rest."""
    went_on = f"%resource.repeat(item).where(linkId = '{CONTINUE_LINK}').answer.value.where($this = true).exists()"
    return f"({fhirpath(stop, rulebase, ALERT_LINK)}).not() or {went_on}"


def _enabled_when(conditions: list, gate: str | None, rulebase, link_id: str) -> dict:
    """Enabled when any of `conditions` holds (always, if one is None), and the gate (if any) lets it."""
    condition = None
    if all(c is not None for c in conditions):
        unique = list({repr(c): c for c in conditions}.values())
        condition = unique[0] if len(unique) == 1 else AnyOf(tuple(unique))
    if gate is None:
        return enable_for(condition, rulebase, link_id)
    if condition is None:
        return expression_fields(gate)
    return expression_fields(f"({gate}) and ({fhirpath(condition, rulebase, link_id)})")


def _alert(stop, rulebase) -> dict:
    disposition = rulebase.stop_disposition
    return {
        "linkId": ALERT_LINK, "text": disposition.title, "type": "group",
        **enable_for(stop, rulebase, ALERT_LINK),
        "item": [{"linkId": ALERT_ADVICE_LINK, "text": " ".join(disposition.advice.split()), "type": "display"},
                 {"linkId": CONTINUE_LINK, "text": CONTINUE_TEXT, "type": "boolean", "required": False}],
    }


def _item(question, rulebase, gate: str | None = None) -> dict:
    item = {"linkId": question.id}
    codes = standard_codings("questions", question.id)
    if codes:
        item["code"] = codes
    item.update({"text": question.text, "type": ITEM_TYPES[question.type], "required": True})
    if question.type == "multi":
        item["repeats"] = True
    if gate is None:
        enable = enable_fields(question, rulebase)
    else:
        enable = _enabled_when([question.asked_when], gate, rulebase, question.id)
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
