"""Worked cases: the shared vignettes (tests/vignettes) and our own (tests/cases), run through the CLI."""

import json
from pathlib import Path

import pytest

from conftest import TESTS, invoke

CASE_FILES = sorted((TESTS / "vignettes").glob("*.json")) + sorted((TESTS / "cases").glob("*.json"))


def test_the_shared_vignettes_are_all_here():
    assert len(list((TESTS / "vignettes").glob("*.json"))) >= 6


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_case_gives_expected_result(path: Path, tmp_path):
    case = json.loads(path.read_text())
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(case["answers"]))

    run = invoke("assess", "--answers", answers_file, "--format", "json")

    assert run.exit_code == 0, run.stderr
    result = json.loads(run.stdout)
    findings = [f["code"] for f in result["findings"]]
    plan = {item["code"]: item for item in result["plan"]}
    assert result["disposition"] == case["disposition"]
    for code in case.get("findings", []):
        assert code in findings, f"expected finding {code}, got {findings}"
    for code in case.get("no_findings", []):
        assert code not in findings, f"finding {code} should not fire"
    for code in case.get("plan", []):
        assert code in plan, f"expected plan item {code}, got {list(plan)}"
    for code in case.get("no_plan", []):
        assert code not in plan, f"plan item {code} should not be planned"
    for code, attributes in case.get("plan_attrs", {}).items():
        for name, value in attributes.items():
            assert plan[code][name] == value, f"{code}.{name}"
    for code, phase in case.get("plan_phases", {}).items():
        assert plan[code]["phase"] == phase, f"{code} should be in phase {phase}, is in {plan[code]['phase']}"
