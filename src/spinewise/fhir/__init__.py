"""HL7 FHIR R4 forms of spinewise: the Questionnaire, reading a QuestionnaireResponse, the result Bundle.

Everything here builds plain JSON dicts from the rule base; no FHIR library is needed at
run time (the tests validate the output with fhir.resources and HL7's R4 JSON schema).
The building blocks (narrative.py, the codings and canonical URLs in common.py, the
response reader) are meant to be reused by every FHIR form spinewise writes.
"""

from spinewise.fhir.bundle import result_bundle
from spinewise.fhir.checkin import checkin_questionnaire
from spinewise.fhir.package import conformance_bundle, structure_definitions
from spinewise.fhir.questionnaire import questionnaire_bundle, questionnaire_resource
from spinewise.fhir.response import answers_from_response, is_fhir_resource, response_resource

VOCABULARY_FORMS = {"fhir": questionnaire_resource, "fhir-bundle": questionnaire_bundle,
                    "fhir-package": conformance_bundle, "fhir-checkin": checkin_questionnaire}


def vocabulary_resource(rulebase, fmt: str) -> dict:
    """`questions --format fhir` (the Questionnaire), `fhir-bundle`, `fhir-package` or `fhir-checkin`."""
    return VOCABULARY_FORMS[fmt](rulebase)


__all__ = ["answers_from_response", "checkin_questionnaire", "conformance_bundle", "is_fhir_resource", "questionnaire_bundle",
           "questionnaire_resource", "response_resource", "result_bundle", "structure_definitions",
           "vocabulary_resource"]
