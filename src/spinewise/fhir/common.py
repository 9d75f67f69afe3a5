"""Canonical URLs, ids and CodeSystems shared by every FHIR resource spinewise writes.

Canonical URLs follow the `[base]/[type]/[id]` pattern with one base per rule base (its
name as a slug), so two rule bases never share a code system while a rule base keeps its
URLs across versions; `version` tells the versions apart.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml

from spinewise.rulebase.conditions import flattened
from spinewise.errors import SpinewiseError
from spinewise.fhir.narrative import narrative

# Not resolvable: a naming root only. A deployment that publishes these resources
# replaces it with a domain it controls.
CANONICAL_ROOT = "https://spinewise.example.org/fhir"
EXTENSION_ROOT = f"{CANONICAL_ROOT}/StructureDefinition"
SHA256_EXTENSION = f"{EXTENSION_ROOT}/rulebase-sha256"
DRAFTS_EXTENSION = f"{EXTENSION_ROOT}/included-draft-rules"
RULE_EXTENSION = f"{EXTENSION_ROOT}/rule"
PHASE_EXTENSION = f"{EXTENSION_ROOT}/plan-phase"
ATTRIBUTE_EXTENSION = f"{EXTENSION_ROOT}/plan-attribute"
SHA256_IDENTIFIER = f"{CANONICAL_ROOT}/rulebase-sha256"
BATCH_ID_IDENTIFIER = f"{CANONICAL_ROOT}/batch-id"

QUESTIONNAIRE_ID = "questionnaire"
STANDARD_CODES = Path(__file__).with_name("standard_codes.yaml")
EXTENSIONS = (SHA256_EXTENSION, DRAFTS_EXTENSION, RULE_EXTENSION, PHASE_EXTENSION, ATTRIBUTE_EXTENSION)
RESULT_SYSTEMS = ("disposition", "finding", "plan-item", "plan-phase")  # CodeSystem ids of what a result concludes


class FhirExportError(SpinewiseError):
    """The rule base says something a FHIR resource cannot carry."""


def unwrap(condition):
    """The condition with every named condition (`{condition: name}`) read as what it names."""
    return flattened(condition)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "rulebase"


def fhir_id(text: str) -> str:
    """A FHIR resource id ([A-Za-z0-9-.]{1,64}) from a spinewise name (question ids use _)."""
    return re.sub(r"[^A-Za-z0-9.-]", "-", text)[:64]


def computable_name(text: str) -> str:
    """A FHIR computable name ([A-Z][A-Za-z0-9_]*) from a title."""
    name = "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", text) if word)
    return name if name[:1].isalpha() else "Spinewise" + name


def base_url(rulebase) -> str:
    return f"{CANONICAL_ROOT}/{slug(rulebase.name)}"


def questionnaire_url(rulebase) -> str:
    """The assessment Questionnaire's canonical URL; the check-in's form view carries its own (fhir/checkin.py)."""
    return rulebase.__dict__.get("form_url") or f"{base_url(rulebase)}/Questionnaire/{QUESTIONNAIRE_ID}"


def questionnaire_canonical(rulebase) -> str:
    """The versioned canonical reference, `url|version`."""
    return f"{questionnaire_url(rulebase)}|{rulebase.version}"


def answer_system_id(question) -> str:
    return fhir_id(f"answer-{question.id}")


def system_url(rulebase, system_id: str) -> str:
    return f"{base_url(rulebase)}/CodeSystem/{system_id}"


def answer_system(rulebase, question) -> str:
    return system_url(rulebase, answer_system_id(question))


def coding(system: str, code: str, display: str = "") -> dict:
    data = {"system": system, "code": code}
    if display:
        data["display"] = display
    return data


def status(rulebase) -> str:
    """`active` when every rule in use is approved, `draft` while any is still a draft."""
    return "draft" if any(rule.status == "draft" for rule in rulebase.rules) else "active"


def code_systems(rulebase) -> list[dict]:
    """The answer options of every choice question, then the dispositions, findings and plan items."""
    systems = [_code_system(rulebase, answer_system_id(q), f"Answers to {q.id}: {q.text}",
                            [_concept(c.value, c.label) for c in q.choices])
               for q in rulebase.questions if q.choices]
    vocabularies = (
        [_concept(d.code, d.title, d.advice) for d in rulebase.dispositions],
        [_concept(f.code, f.title, f.explanation) for f in rulebase.findings],
        [_concept(p.code, p.title, p.text) for p in rulebase.plan_items],
        [_concept(p.code, p.title, p.note) for p in rulebase.phases],
    )
    titles = ("Dispositions, most severe first", "Findings", "Plan items", "Plan phases, in order")
    for system_id, title, concepts in zip(RESULT_SYSTEMS, titles, vocabularies):
        systems.append(_code_system(rulebase, system_id, f"{rulebase.name}: {title}", concepts))
    return systems


def _code_system(rulebase, system_id: str, title: str, concepts: list) -> dict:
    return {
        "resourceType": "CodeSystem",
        "id": system_id,
        "text": narrative(title, [f"Version {rulebase.version}; {len(concepts)} codes."],
                          [f"{c['code']}: {c['display']}" for c in concepts]),
        "url": system_url(rulebase, system_id),
        "version": rulebase.version,
        "name": computable_name(system_id),
        "title": title,
        "status": status(rulebase),
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": concepts,
    }


def _concept(code: str, display: str, definition: str = "") -> dict:
    data = {"code": code, "display": display}
    if definition.strip():
        data["definition"] = " ".join(definition.split())
    return data


def sha256_extension(rulebase_hash: str) -> dict:
    return {"url": SHA256_EXTENSION, "valueString": rulebase_hash}


@functools.lru_cache(maxsize=None)
def _standard_codes() -> dict:
    with open(STANDARD_CODES, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def standard_codings(kind: str, key: str) -> list[dict]:
    """The standard codings (LOINC, SNOMED CT) beside a question (`questions`) or a finding (`findings`)."""
    return [dict(entry) for entry in _standard_codes().get(kind, {}).get(key, [])]


def standard_code_keys(kind: str) -> list[str]:
    return list(_standard_codes().get(kind, {}))
