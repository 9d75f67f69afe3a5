"""A result as a FHIR `collection` Bundle: the QuestionnaireResponse, a ClinicalImpression and a CarePlan.

Why these resources (see the README's integration section): a ClinicalImpression is
FHIR's record of an assessment, and its `finding` list carries each finding with its
basis in words; the CarePlan is what to do next, its category the disposition and its
activities the plan items with their doses. RiskAssessment predicts the probability of
an outcome, which spinewise does not compute; GuidanceResponse would also fit a rule
engine, but is a trial-use wrapper that still needs a CarePlan or RequestGroup for the
actions, and clinic systems index ClinicalImpression and CarePlan far more often.
Entry ids are name-based UUIDs of the result, so the same answers give the same Bundle.
"""

from __future__ import annotations

import json
import uuid

from spinewise.fhir.common import (ATTRIBUTE_EXTENSION, BATCH_ID_IDENTIFIER, DRAFTS_EXTENSION, PHASE_EXTENSION,
                                   RULE_EXTENSION, coding, questionnaire_canonical, sha256_extension,
                                   standard_codings, system_url)
from spinewise.fhir.narrative import narrative, with_text
from spinewise.fhir.response import response_resource, response_text

SUBJECT = {"display": "The person who answered the questionnaire"}
EDUCATIONAL = "Educational triage from a rule base, not a diagnosis."
# A response still being filled in gives an assessment in progress and a draft plan.
UNFINISHED = ("in-progress", "stopped")


def result_bundle(result, rulebase, date: str | None = None, record_id=None, response: dict | None = None) -> dict:
    """The Bundle for one Result; `date` (ISO) stamps it, `record_id` (a batch line's id) identifies it.

    `response`, the QuestionnaireResponse the answers came from, is kept as given (with a
    narrative added when it has none); its subject, author, source, encounter, authored
    date and status carry over to the ClinicalImpression and the CarePlan.
    """
    names = _names(result, response)
    if response is None:
        response = response_resource(rulebase, result.answers, date)
        response = {"resourceType": response.pop("resourceType"), "id": names["response"].split(":")[-1], **response}
    elif "text" not in response:
        response = with_text(response, response_text(response))
    context = _context(response)
    impression = _impression(result, rulebase, names, date, context)
    plan = _care_plan(result, rulebase, names, date, context)
    bundle = {"resourceType": "Bundle"}
    if record_id is not None:
        bundle["identifier"] = {"system": BATCH_ID_IDENTIFIER, "value": str(record_id)}
    bundle["type"] = "collection"
    bundle["entry"] = [{"fullUrl": names[key], "resource": resource}
                       for key, resource in (("response", response), ("impression", impression), ("plan", plan))]
    return bundle


def _context(response: dict) -> dict:
    """Who and when, from the response: what the ClinicalImpression and the CarePlan say about the same person."""
    return {
        "subject": response.get("subject", SUBJECT),
        "encounter": response.get("encounter"),
        "author": response.get("author"),
        "source": response.get("source"),
        "authored": response.get("authored"),
        "unfinished": response.get("status") in UNFINISHED,
    }


def error_bundle(message: str, record_id=None) -> dict:
    """A refused batch line in FHIR form: an OperationOutcome, in a Bundle that carries the line's id."""
    outcome = with_text({"resourceType": "OperationOutcome",
                         "issue": [{"severity": "error", "code": "invalid", "diagnostics": message}]},
                        narrative("Not assessed", [message]))
    bundle = {"resourceType": "Bundle"}
    if record_id is not None:
        bundle["identifier"] = {"system": BATCH_ID_IDENTIFIER, "value": str(record_id)}
    bundle.update(type="collection", entry=[{"resource": outcome}])
    return bundle


def _names(result, response: dict | None) -> dict:
    seed = json.dumps([result.to_json(), response], sort_keys=True, ensure_ascii=False)
    names = {key: f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{key}:{seed}')}"
             for key in ("response", "impression", "plan")}
    given = str((response or {}).get("id", ""))
    if _is_uuid(given):
        names["response"] = f"urn:uuid:{given}"
    return names


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False


def _rulebase_extensions(result) -> list:
    return [sha256_extension(result.rulebase_hash), {"url": DRAFTS_EXTENSION, "valueBoolean": result.included_drafts}]


def _impression(result, rulebase, names: dict, date, context: dict) -> dict:
    disposition = rulebase.disposition(result.disposition)
    resource = {
        "resourceType": "ClinicalImpression",
        "id": names["impression"].split(":")[-1],
        "extension": _rulebase_extensions(result),
        "status": "in-progress" if context["unfinished"] else "completed",
        "code": {"text": rulebase.name},
        "description": f"Triage by the rule base {rulebase.name}, version {result.rulebase_version}",
        "subject": context["subject"],
    }
    if context["encounter"]:
        resource["encounter"] = context["encounter"]
    if context["authored"]:
        resource["effectiveDateTime"] = context["authored"]
    if date:
        resource["date"] = date
    assessor = context["author"]
    if isinstance(assessor, dict) and _referenced_type(assessor) in _ASSESSORS:
        resource["assessor"] = assessor
    resource.update({
        "investigation": [{"code": {"text": "Answers to the questionnaire"}, "item": [{"reference": names["response"]}]}],
        "protocol": [questionnaire_canonical(rulebase)],
        "summary": disposition.title,
        "finding": [_finding(f, rulebase) for f in result.findings],
        "supportingInfo": [{"reference": names["plan"]}],
    })
    notes = [EDUCATIONAL, rulebase.review_status(result.included_drafts),
             f"Rules fired: {', '.join(result.rules_fired) or 'none'}."]
    if result.not_asked:
        notes.append(f"Not asked, because the answers already called for {disposition.code}: "
                     f"{', '.join(result.not_asked)}.")
    resource["note"] = [{"text": text} for text in notes]
    findings = [f"{f['itemCodeableConcept']['coding'][0].get('display') or f['itemCodeableConcept']['coding'][0]['code']}"
                f": {f['basis']}" for f in resource["finding"]]
    text = narrative(f"Triage: {disposition.title}",
                     [resource["description"] + ".", _subject_words(context["subject"])] + notes[:2],
                     findings)
    return with_text(resource, text)


# The resource types a ClinicalImpression's assessor may be (R4); other authors stay on the CarePlan.
_ASSESSORS = ("Practitioner", "PractitionerRole")


def _referenced_type(reference: dict) -> str:
    """The resource type of a literal reference, relative (`Practitioner/7`) or absolute."""
    parts = str(reference.get("reference", "")).split("/_history/")[0].rstrip("/").split("/")
    return reference.get("type") or (parts[-2] if len(parts) >= 2 else "")


def _subject_words(subject: dict) -> str:
    return f"About: {subject.get('display') or subject.get('reference') or 'the person who answered'}."


def _finding(finding, rulebase) -> dict:
    known = {f.code: f.title for f in rulebase.findings}
    because = "; ".join(f"{qid} = {json.dumps(value, ensure_ascii=False)}" for qid, value in finding.because.items())
    basis = f"Rule {finding.rule}" + (f" (source: {finding.source})" if finding.source else "")
    basis += f", because {because}" if because else ""
    return {
        "extension": [{"url": RULE_EXTENSION, "valueString": finding.rule}],
        "itemCodeableConcept": {"coding": [coding(system_url(rulebase, "finding"), finding.code,
                                                  known.get(finding.code, ""))]
                                + standard_codings("findings", finding.code)},
        "basis": basis,
    }


def _care_plan(result, rulebase, names: dict, date, context: dict) -> dict:
    disposition = rulebase.disposition(result.disposition)
    resource = {
        "resourceType": "CarePlan",
        "id": names["plan"].split(":")[-1],
        "extension": _rulebase_extensions(result),
        "instantiatesUri": [questionnaire_canonical(rulebase)],
        "status": "draft" if context["unfinished"] else "active",
        "intent": "plan",
        "category": [{"coding": [coding(system_url(rulebase, "disposition"), disposition.code, disposition.title)]}],
        "title": disposition.title,
        "description": " ".join(disposition.advice.split()),
        "subject": context["subject"],
    }
    if context["encounter"]:
        resource["encounter"] = context["encounter"]
    if date:
        resource["created"] = date
    if context["author"]:
        resource["author"] = context["author"]
    if context["source"]:
        resource["contributor"] = [context["source"]]
    resource["supportingInfo"] = [{"reference": names["impression"]}]
    activities = [{"detail": _activity(item, rulebase, disposition.referral)} for item in result.plan]
    if activities:  # FHIR JSON has no empty arrays: a plan with nothing to do has no `activity`
        resource["activity"] = activities
    text = narrative(disposition.title, [resource["description"], _subject_words(context["subject"])],
                     [activity["detail"]["description"] for activity in activities])
    return with_text(resource, text)


def _activity(item, rulebase, referral: bool) -> dict:
    """A plan item with its doses and phase: what to do now is not-started; a later phase is
    scheduled, or on hold while a practitioner has to clear the lifter first."""
    definition = rulebase.plan_item(item.code)
    phase = next(p for p in rulebase.phases if p.code == item.phase)
    detail = {"extension": [{"url": PHASE_EXTENSION,
                             "valueCoding": coding(system_url(rulebase, "plan-phase"), phase.code, phase.title)}]}
    detail["extension"] += [_attribute(name, value) for name, value in item.attributes.items()]
    detail["code"] = {"coding": [coding(system_url(rulebase, "plan-item"), item.code, definition.title)]}
    now = item.phase == rulebase.phases[0].code
    detail["status"] = "not-started" if now else ("on-hold" if referral else "scheduled")
    if not now:
        detail["statusReason"] = {"text": phase.title}
    detail["description"] = _description(definition, item.attributes)
    return detail


def _attribute(name: str, value) -> dict:
    """One plan attribute (a dose, a level, a list of lifts) as a name and its value(s)."""
    values = value if isinstance(value, list) else [value]
    return {"url": ATTRIBUTE_EXTENSION,
            "extension": [{"url": "name", "valueString": name}] + [{"url": "value", **_typed(v)} for v in values]}


def _typed(value) -> dict:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueString": str(value)}


def _description(definition, attributes: dict) -> str:
    parts = [" ".join(definition.text.split())] if definition.text.strip() else [definition.title]
    doses = [f"{name.replace('_', ' ')}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
             for name, v in attributes.items()]
    return " ".join(parts + ([f"({'; '.join(doses)})"] if doses else []))
