"""HL7 FHIR R4 forms of spinewise: the Questionnaire, reading a QuestionnaireResponse, the result Bundle.

Everything here builds plain JSON dicts from the rule base; no FHIR library is needed at
run time (the tests validate the output with fhir.resources).
"""

from spinewise.fhir.bundle import result_bundle
from spinewise.fhir.questionnaire import questionnaire_bundle, questionnaire_resource
from spinewise.fhir.response import answers_from_response, is_fhir_resource, response_resource

__all__ = ["answers_from_response", "is_fhir_resource", "questionnaire_bundle", "questionnaire_resource",
           "response_resource", "result_bundle"]
