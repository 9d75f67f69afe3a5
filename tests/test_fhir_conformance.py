"""Every FHIR resource spinewise writes passes HL7's R4 JSON schema and fhir.resources, with narrative;
the extensions it uses are defined by the StructureDefinitions `questions --format fhir-package` prints."""

import json
import re

import pytest

from conftest import TESTS, invoke
from fhir_support import entries, validate
from node_support import SCHEMA_PACKAGE, unpacked
from spinewise.fhir.common import CANONICAL_ROOT, standard_code_keys
from spinewise.fhir.response import response_resource


@pytest.fixture(scope="module")
def hl7_schema():
    """HL7's fhir.schema.json for R4, as the npm package ships it. That copy is the 4.0.0 release, whose
    FHIRVersion list lacks 4.0.1 (added by the 4.0.1 technical correction); only that list is extended."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((unpacked(SCHEMA_PACKAGE) / "fhir.schema.json").read_text())
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"
    versions = schema["definitions"]["StructureDefinition"]["properties"]["fhirVersion"]["enum"]
    versions.append("4.0.1")

    def check(resource):
        validator = jsonschema.Draft6Validator({"$ref": f"#/definitions/{resource['resourceType']}",
                                                "definitions": schema["definitions"]})
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:160]}" for e in validator.iter_errors(resource)]
    return check


def resources(bundle):
    yield bundle
    for entry in bundle.get("entry", []):
        yield entry["resource"]


def _outputs(tmp_path, healthy, rulebase):
    yield "questions fhir", json.loads(invoke("questions", "--format", "fhir").stdout)
    yield "questions fhir-package", json.loads(invoke("questions", "--format", "fhir-package").stdout)
    for name in ("tuck_pain_on_lowering", "cauda_equina_bladder"):
        answers = json.loads((TESTS / "vignettes" / f"{name}.json").read_text())["answers"]
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(response_resource(rulebase, answers)))
        yield f"assess {name}", json.loads(invoke("assess", "--answers", path, "--format", "fhir").stdout)
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, "tailbone": True}) + "\n")
    yield "batch refused line", json.loads(invoke("batch", source, "--format", "fhir", "--jobs", 1).stdout)
    yield "questions fhir-checkin", json.loads(invoke("questions", "--format", "fhir-checkin").stdout)
    keep = tmp_path / "keep-training.json"
    keep.write_text(json.dumps(healthy))
    yield "assess keep training", json.loads(invoke("assess", "--answers", keep, "--format", "fhir").stdout)
    yield "journal show", journal_fhir(tmp_path)


def journal_fhir(folder) -> dict:
    """`journal show --format fhir` of a journal with an assessment and a check-in."""
    from checkin_support import WEEK, started_journal

    journal = started_journal(folder)
    week = folder / "week.json"
    week.write_text(json.dumps(WEEK))
    assert invoke("checkin", "--journal", journal, "--answers", week, "--date", "2026-11-09").exit_code == 0
    return json.loads(invoke("journal", "show", "--journal", journal, "--format", "fhir").stdout)


def empty_values(value, path="") -> list:
    """Where FHIR JSON's rule "no empty arrays, objects or strings" is broken."""
    if value in ([], {}, ""):
        return [path or "/"]
    if isinstance(value, dict):
        return [hit for key, inner in value.items() for hit in empty_values(inner, f"{path}/{key}")]
    if isinstance(value, list):
        return [hit for index, inner in enumerate(value) for hit in empty_values(inner, f"{path}/{index}")]
    return []


def test_no_fhir_output_holds_an_empty_array_object_or_string(tmp_path, healthy, rulebase):
    """The HL7 validator refuses `"activity": []`; fhir.resources and the JSON schema let it through."""
    for name, output in _outputs(tmp_path, healthy, rulebase):
        assert empty_values(output) == [], name


def test_every_resource_passes_the_hl7_schema_and_fhir_resources_with_narrative(hl7_schema, tmp_path, healthy,
                                                                                 rulebase):
    checked = 0
    for name, output in _outputs(tmp_path, healthy, rulebase):
        for resource in resources(output):
            validate(resource)
            assert hl7_schema(resource) == [], (name, resource["resourceType"])
            if resource["resourceType"] != "Bundle":  # a Bundle is no DomainResource: dom-6 does not apply
                text = resource.get("text", {})
                assert text.get("status") == "generated" and text["div"].startswith("<div xmlns="), (name, resource)
            checked += 1
    assert checked > 25


def test_the_package_defines_every_extension_spinewise_writes(tmp_path, healthy):
    package = json.loads(invoke("questions", "--format", "fhir-package").stdout)
    defined = {sd["url"]: sd for sd in entries(package, "StructureDefinition")}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(healthy))
    written = json.dumps(json.loads(invoke("assess", "--answers", path, "--format", "fhir").stdout))
    assert any(url in written for url in defined), "the result uses spinewise's extensions"
    for url, sd in defined.items():
        assert url.startswith(f"{CANONICAL_ROOT}/StructureDefinition/")
        assert sd["type"] == "Extension" and sd["differential"]["element"][0]["path"] == "Extension"
    urls = set(re.findall(r'"url": "(https://spinewise[^"]+)"', written))
    assert urls <= set(defined), urls - set(defined)


def test_standard_codes_name_only_what_the_rule_base_has(rulebase):
    assert set(standard_code_keys("questions")) <= set(rulebase.questions_by_id)
    assert set(standard_code_keys("findings")) <= {f.code for f in rulebase.findings}


def test_the_pain_score_carries_the_loinc_code(rulebase):
    questionnaire = json.loads(invoke("questions", "--format", "fhir").stdout)
    codes = {i["linkId"]: i.get("code", []) for g in questionnaire["item"] for i in g["item"]}
    assert {"system": "http://loinc.org", "code": "72514-3",
            "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"} in codes["pain_intensity"]
