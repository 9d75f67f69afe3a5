"""Engine behaviour a clinician or integrator relies on: lifecycle, the safety net, build once."""

import json
import shutil

import pytest

from conftest import RULES, invoke, with_pain
from spinewise.engine import triage as triage_module


@pytest.fixture
def rules_copy(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


def set_status(folder, rule_id, status):
    path = next(p for p in folder.glob("*.yaml") if f"id: {rule_id}\n" in p.read_text())
    text = path.read_text()
    start = text.index(f"id: {rule_id}\n")
    at = text.index("status: approved", start)
    path.write_text(text[:at] + f"status: {status}" + text[at + len("status: approved"):])


def assess_json(answers, *options):
    run = invoke("assess", "--answers", "-", "--format", "json", *options, input=json.dumps(answers))
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def test_a_gap_in_the_rules_triages_up_not_down(rules_copy, healthy):
    set_status(rules_copy, "prog-continue-training", "retired")
    result = assess_json(healthy, "--rules", rules_copy)
    assert result["disposition"] == "consultation"
    assert [f["code"] for f in result["findings"]] == ["no_rule_decided"]
    assert {"consult_practitioner", "stop_hip_thrusts"} <= {p["code"] for p in result["plan"]}


def test_draft_rules_run_only_when_asked(rules_copy, healthy):
    set_status(rules_copy, "load-too-heavy", "draft")
    answers = {**healthy, "load_increase": True}
    approved_only = assess_json(answers, "--rules", rules_copy)
    with_drafts = assess_json(answers, "--rules", rules_copy, "--include-draft")
    assert "excessive_load" not in [f["code"] for f in approved_only["findings"]]
    assert approved_only["rulebase"]["included_drafts"] is False
    assert "excessive_load" in [f["code"] for f in with_drafts["findings"]]
    assert with_drafts["rulebase"]["included_drafts"] is True


def test_retired_rules_never_run(rules_copy, healthy):
    set_status(rules_copy, "load-too-heavy", "retired")
    result = assess_json({**healthy, "load_increase": True}, "--rules", rules_copy, "--include-draft")
    assert "excessive_load" not in [f["code"] for f in result["findings"]]


def test_a_changed_threshold_changes_the_result_without_code(rules_copy, healthy):
    path = rules_copy / "20-pain.yaml"
    path.write_text(path.read_text().replace("value: 7\n", "value: 6\n", 1))
    answers = with_pain(healthy, pain_intensity=6)
    assert assess_json(answers)["disposition"] == "corrective_program"
    assert assess_json(answers, "--rules", rules_copy)["disposition"] == "consultation"


def test_the_engine_is_built_once_for_a_whole_batch(rules_copy, healthy, tmp_path, monkeypatch):
    builds = []
    original = triage_module.compile_engine_class
    monkeypatch.setattr(triage_module, "compile_engine_class", lambda rules: builds.append(1) or original(rules))
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({**healthy, "reps_per_set": n}) + "\n" for n in range(1, 41)))

    run = invoke("batch", source, "--rules", rules_copy)

    assert run.exit_code == 0
    assert len(run.stdout.splitlines()) == 40
    assert len(builds) == 1


def test_rule_salience_from_the_files_reaches_the_engine(triage):
    rules = {rule.id: rule for rule in triage.rules}
    assert rules["rf-saddle-numbness"].salience == 100
    assert rules["prog-dead-bug-advanced"].salience == 10
    compiled = {name: getattr(type(triage.engine), name) for name in dir(type(triage.engine)) if name.startswith("rule_")}
    assert len(compiled) == len(triage.rules)
    assert {rule.salience for rule in compiled.values()} == {100, 80, 60, 50, 40, 30, 10}
