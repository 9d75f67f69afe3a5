"""`spinewise rules test`: every rule's examples and a cases file, as a pass/fail table."""

import json

from conftest import RULES, TESTS, invoke
from review_support import add_rule, edit
from spinewise.rulebase.load import load_rulebase

_RULEBASE = load_rulebase(RULES)
# every rule's examples, and those of the rules that run only at weekly check-ins (run as check-ins)
EXAMPLES = sum(len(rule.examples) for rule in _RULEBASE.rules + tuple(r for r in _RULEBASE.checkin_rules
                                                                      if "assessment" not in r.at)
               if rule.status != "retired")


def cases_file(path, cases):
    path.write_text("".join(json.dumps(case) + "\n" for case in cases))
    return path


def shipped_cases():
    return [json.loads(p.read_text()) for p in sorted((TESTS / "cases").glob("*.json"))]


def rows(run, status):
    return [row for row in run.stdout.splitlines() if row.startswith(status)]


def test_shipped_examples_all_pass():
    run = invoke("rules", "test", RULES)
    assert run.exit_code == 0
    assert EXAMPLES >= 37
    assert len(rows(run, "pass")) == EXAMPLES and not rows(run, "FAIL")
    assert run.stdout.rstrip().endswith(f"{EXAMPLES} passed, 0 failed, 0 skipped")
    assert "pass    rule pain-severe #1" in run.stdout


def test_shipped_cases_file_passes_too(tmp_path):
    path = cases_file(tmp_path / "cases.jsonl", shipped_cases())
    run = invoke("rules", "test", "--cases", path)
    assert run.exit_code == 0
    assert f"{EXAMPLES + len(shipped_cases())} passed, 0 failed" in run.stdout
    assert "case pain_just_below_severe" in run.stdout


def test_a_changed_threshold_fails_the_examples_that_pin_it(rules_copy):
    edit(rules_copy / "20-pain.yaml", "value: 7\n", "value: 6\n")
    run = invoke("rules", "test", rules_copy)
    assert run.exit_code == 1
    [failure] = rows(run, "FAIL")
    example = next(number for number, line in enumerate((rules_copy / "20-pain.yaml").read_text().splitlines(), 1)
                   if "pain_intensity: 6," in line)
    assert failure.startswith("FAIL    rule pain-severe #2") and f"20-pain.yaml:{example}" in failure
    detail = run.stdout.split(failure, 1)[1]
    assert "why:   disposition is consultation, expected corrective_program" in detail
    assert "why:   finding severe_pain should not be drawn" in detail
    assert "given: back_pain yes, pain_intensity 6" in detail
    assert f"{EXAMPLES - 1} passed, 1 failed, 0 skipped" in run.stdout


def test_a_failing_case_names_the_plan_attribute(tmp_path):
    answers = shipped_cases()[0]["answers"] | {"dead_bug": "one_leg", "weeks_on_program": 1}
    case = {"id": "regress-expected", "answers": answers,
            "expect": {"plan": [{"code": "dead_bug", "level": "regress"}], "no_plan": ["technique_cues"]}}
    run = invoke("rules", "test", "--cases", cases_file(tmp_path / "c.jsonl", [case]))
    assert run.exit_code == 1
    assert "FAIL    case regress-expected" in run.stdout
    assert "why:   dead_bug level is 'beginner', expected 'regress'" in run.stdout
    assert "why:   plan item technique_cues should not be planned" in run.stdout


def test_invalid_answers_in_a_case_are_a_failure_not_a_crash(tmp_path):
    case = {"id": "bad", "answers": {"saddle_numbness": "maybe"}, "expect": {"disposition": "emergency"}}
    run = invoke("rules", "test", "--cases", cases_file(tmp_path / "c.jsonl", [case]))
    assert run.exit_code == 1
    assert "why:   saddle_numbness: \"maybe\" is not allowed (expected true or false); missing answers: " in run.stdout


def test_malformed_cases_file_is_refused_in_one_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"answers": {}}\n{"answers": {}, "expect": {"dispositon": "emergency"}}\n')
    run = invoke("rules", "test", "--cases", path)
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.strip() == ("Error: c.jsonl line 2: unknown expectation 'dispositon' (allowed: disposition, "
                                  "findings, no_findings, plan, no_plan, plan_attrs)")


def test_case_without_answers_is_refused(tmp_path):
    run = invoke("rules", "test", "--cases", cases_file(tmp_path / "c.jsonl", [{"disposition": "emergency"}]))
    assert run.exit_code == 2
    assert "c.jsonl line 1: a test case needs 'answers'" in run.stderr


def test_missing_cases_file_is_refused(tmp_path):
    run = invoke("rules", "test", "--cases", tmp_path / "nope.jsonl")
    assert run.exit_code == 2 and "does not exist" in run.stderr


def test_draft_examples_are_skipped_unless_drafts_run(rules_copy):
    add_rule(rules_copy, "draft-heavy-consult", status="draft",
             when="{question: load_increase, operator: is_true}",
             then="finding: excessive_load\ndisposition: consultation", given="{load_increase: true}")
    path = rules_copy / "70-extra.yaml"
    edit(path, "expect: {}", "expect: {disposition: consultation}")
    run = invoke("rules", "test", rules_copy)
    assert run.exit_code == 0
    assert "skip    rule draft-heavy-consult #1" in run.stdout and "draft rule: run with --include-draft" in run.stdout
    drafted = invoke("rules", "test", rules_copy, "--include-draft")
    assert "(draft rules included)" in drafted.stdout
    assert "pass    rule draft-heavy-consult #1" in drafted.stdout


def test_json_format_counts_and_lists_every_test():
    data = json.loads(invoke("rules", "test", "--format", "json").stdout)
    assert (data["passed"], data["failed"], data["skipped"]) == (EXAMPLES, 0, 0)
    assert {"status", "test", "where", "given", "expected", "got", "problems"} <= set(data["tests"][0])
