"""A journal as a FHIR `collection` Bundle a clinic system can store: each entry's
QuestionnaireResponse, each entry's worst pain as an Observation (LOINC 72514-3, pain
severity 0-10 verbal numeric rating, reported), and the CarePlan with the current doses
(from the latest entry). Entry ids are name-based UUIDs, so the same journal gives the same
Bundle. Entries written by an earlier rule base keep the answers this rule base knows."""

from __future__ import annotations

import uuid

from spinewise.fhir.bundle import _care_plan, _context
from spinewise.fhir.checkin import checkin_form_view
from spinewise.fhir.narrative import narrative, with_text
from spinewise.fhir.response import response_resource
from spinewise.result import result_from_json

LOINC = "http://loinc.org"
PAIN_CODE = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
SUBJECT = {"display": "The person who keeps this journal"}


def journal_bundle(journal, rulebase) -> dict:
    view = checkin_form_view(rulebase) if rulebase.checkin else rulebase
    pain_answer = rulebase.checkin.roles.pain_answer if rulebase.checkin else ""
    entries = []
    response = None
    for number, entry in enumerate(journal.entries, 1):
        base = rulebase if entry["kind"] == "assessment" else view
        given = {**{name: entry.get("derived", {}).get(name) for name in getattr(base, "journal_items", ())},
                 **entry["answers"]}
        known = {qid: value for qid, value in given.items() if qid in base.questions_by_id and value is not None}
        response = response_resource(base, known, entry["date"])
        response_url = _url("response", entry)
        response = {"resourceType": response.pop("resourceType"), "id": response_url.split(":")[-1],
                    **response, "subject": SUBJECT}
        entries.append({"fullUrl": response_url, "resource": response})
        pain = entry["answers"].get(pain_answer, 0) if pain_answer else None
        if isinstance(pain, int):
            entries.append({"fullUrl": _url("pain", entry), "resource": _pain(pain, entry, response_url, number)})
    last = journal.last
    if last is not None:
        result = result_from_json(last["result"], last["answers"])
        names = {key: _url(key, last) for key in ("response", "impression", "plan")}
        base = rulebase if last["kind"] == "assessment" else view
        try:
            plan = _care_plan(result, base, names, last["date"], _context(response))
        except KeyError:  # written by a rule base whose codes this one no longer has
            plan = None
        if plan is not None:
            plan.pop("supportingInfo", None)
            plan["supportingInfo"] = [{"reference": names["response"]}]
            entries.append({"fullUrl": names["plan"], "resource": plan})
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _pain(pain: int, entry: dict, response_url: str, number: int) -> dict:
    resource = {
        "resourceType": "Observation",
        "id": _url("pain", entry).split(":")[-1],
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "survey", "display": "Survey"}]}],
        "code": {"coding": [{"system": LOINC, "code": PAIN_CODE, "display": PAIN_DISPLAY}],
                 "text": "Worst lower-back pain of the week (0 to 10)"},
        "subject": SUBJECT,
        "effectiveDateTime": entry["date"],
        "valueInteger": pain,
        "derivedFrom": [{"reference": response_url}],
        "note": [{"text": f"Journal entry {number} ({entry['kind']})"}],
    }
    kind = "assessment" if entry["kind"] == "assessment" else "weekly check-in"
    return with_text(resource, narrative(f"Worst lower-back pain: {pain} out of 10",
                                         [f"Reported on {entry['date']}, at the {kind} of journal entry {number}.",
                                          f"About: {SUBJECT['display']}."]))


def _url(key: str, entry: dict) -> str:
    seed = f"{key}:{entry['sha256']}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"

