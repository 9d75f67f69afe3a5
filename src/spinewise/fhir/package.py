"""StructureDefinitions of spinewise's own extensions, and the conformance Bundle that carries them.

The extensions are spinewise's, not a rule base's: they live directly under the canonical
root (`<root>/StructureDefinition/<name>`), while a rule base's Questionnaire and
CodeSystems live under `<root>/<rule-base name>/`. A validator given this Bundle (or its
entries as files) knows every element spinewise writes.
"""

from __future__ import annotations

from dataclasses import dataclass

from spinewise.fhir.common import (ATTRIBUTE_EXTENSION, DRAFTS_EXTENSION, PHASE_EXTENSION, RULE_EXTENSION,
                                   SHA256_EXTENSION, code_systems, computable_name)
from spinewise.fhir.narrative import narrative, with_text
from spinewise.fhir.questionnaire import questionnaire_resource

FHIR_VERSION = "4.0.1"
EXTENSION_BASE = "http://hl7.org/fhir/StructureDefinition/Extension"
PUBLISHER = "spinewise"


@dataclass(frozen=True)
class ExtensionDef:
    url: str
    title: str
    description: str
    contexts: tuple  # element paths the extension may sit on
    value_type: str = ""  # empty for the complex plan-attribute


EXTENSION_DEFS = (
    ExtensionDef(SHA256_EXTENSION, "Rule-base SHA-256",
                 "The SHA-256 of the rule base (rule files and vocabulary) that produced this result.",
                 ("ClinicalImpression", "CarePlan"), "string"),
    ExtensionDef(DRAFTS_EXTENSION, "Included draft rules",
                 "Whether rules not yet approved by a clinician were run to produce this result.",
                 ("ClinicalImpression", "CarePlan"), "boolean"),
    ExtensionDef(RULE_EXTENSION, "Rule",
                 "The id of the rule in the rule base that concluded this finding.",
                 ("ClinicalImpression.finding",), "string"),
    ExtensionDef(PHASE_EXTENSION, "Plan phase",
                 "When the activity applies: now, after a practitioner's clearance, during or after the program.",
                 ("CarePlan.activity.detail",), "Coding"),
    ExtensionDef(ATTRIBUTE_EXTENSION, "Plan attribute",
                 "A dose or option of the activity (sets, reps, level, weeks, a list of lifts): its name, then "
                 "its value or values.",
                 ("CarePlan.activity.detail",)),
)
ATTRIBUTE_VALUE_TYPES = ("string", "integer", "decimal", "boolean")


def structure_definitions() -> list[dict]:
    return [_structure_definition(definition) for definition in EXTENSION_DEFS]


def conformance_bundle(rulebase) -> dict:
    """The Questionnaire, its CodeSystems and the StructureDefinitions, as one `collection` Bundle."""
    resources = [questionnaire_resource(rulebase)] + code_systems(rulebase) + structure_definitions()
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"fullUrl": resource["url"], "resource": resource} for resource in resources]}


def _structure_definition(definition: ExtensionDef) -> dict:
    name = definition.url.rsplit("/", 1)[-1]
    resource = {
        "resourceType": "StructureDefinition",
        "id": name,
        "url": definition.url,
        "version": _version(),
        "name": computable_name(name),
        "title": definition.title,
        "status": "active",
        "publisher": PUBLISHER,
        "description": definition.description,
        "fhirVersion": FHIR_VERSION,
        "kind": "complex-type",
        "abstract": False,
        "context": [{"type": "element", "expression": path} for path in definition.contexts],
        "type": "Extension",
        "baseDefinition": EXTENSION_BASE,
        "derivation": "constraint",
        "differential": {"element": _elements(definition)},
    }
    text = narrative(definition.title, [definition.description, f"URL: {definition.url}",
                                        "Used on: " + ", ".join(definition.contexts) + "."])
    return with_text(resource, text)


def _version() -> str:
    from spinewise import __version__

    return __version__


def _elements(definition: ExtensionDef) -> list[dict]:
    root = {"id": "Extension", "path": "Extension", "short": definition.title, "definition": definition.description}
    url = {"id": "Extension.url", "path": "Extension.url", "fixedUri": definition.url}
    if definition.value_type:
        return [root, {"id": "Extension.extension", "path": "Extension.extension", "max": "0"}, url,
                {"id": "Extension.value[x]", "path": "Extension.value[x]", "min": 1,
                 "type": [{"code": definition.value_type}]}]
    return [
        {**root, "min": 0},
        {"id": "Extension.extension", "path": "Extension.extension", "min": 2,
         "slicing": {"discriminator": [{"type": "value", "path": "url"}], "rules": "closed"}},
        *_slice("name", "The attribute's name, as the rule base writes it.", 1, "1", ("string",)),
        *_slice("value", "One value of the attribute; a list gives one extension per value.", 1, "*",
                ATTRIBUTE_VALUE_TYPES),
        url,
        {"id": "Extension.value[x]", "path": "Extension.value[x]", "max": "0"},
    ]


def _slice(name: str, short: str, minimum: int, maximum: str, types: tuple) -> list[dict]:
    base = f"Extension.extension:{name}"
    return [
        {"id": base, "path": "Extension.extension", "sliceName": name, "short": short,
         "min": minimum, "max": maximum},
        {"id": f"{base}.extension", "path": "Extension.extension.extension", "max": "0"},
        {"id": f"{base}.url", "path": "Extension.extension.url", "fixedUri": name},
        {"id": f"{base}.value[x]", "path": "Extension.extension.value[x]", "min": 1,
         "type": [{"code": code} for code in types]},
    ]

