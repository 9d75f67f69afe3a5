"""`spinewise rules check`: clean shipped rules, and one `file:line: message` row per problem."""

import pytest

from conftest import RULES, check, edit, invoke, line_of


def test_shipped_rules_are_clean():
    run = check(RULES)
    assert run.exit_code == 0, run.stdout
    assert "error" not in run.stdout


def test_default_rules_are_the_shipped_ones():
    assert invoke("rules", "check").exit_code == 0


def test_yaml_syntax_error_gives_file_and_line(rules_copy):
    path = rules_copy / "40-technique.yaml"
    edit(path, "    title: Tailbone tuck or closing thumb distance", "    title: [unclosed")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert f"{path}:" in run.stdout and "YAML syntax" in run.stdout


def test_unknown_question_is_reported_at_its_line(rules_copy):
    path = rules_copy / "40-technique.yaml"
    edit(path, "{question: tailbone_tuck, operator: is_true}", "{question: tailbone_tucked, operator: is_true}")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert f"{path}:{line_of(path, 'tailbone_tucked')}: unknown question 'tailbone_tucked'" in run.stdout


def test_unknown_value_names_the_allowed_ones(rules_copy):
    path = rules_copy / "40-technique.yaml"
    edit(path, "value: closer}", "value: closed}")
    run = check(rules_copy)
    assert f"{path}:{line_of(path, 'value: closed')}: 'closed' is not an answer to thumb_test" in run.stdout
    assert "spread, closer, unchanged, not_tried" in run.stdout


def test_impossible_threshold_is_an_error(rules_copy):
    path = rules_copy / "20-pain.yaml"
    edit(path, "value: 7\n", "value: 11\n")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert "impossible value" in run.stdout and "pain_intensity is from 0 to 10" in run.stdout
    assert "severe_pain_at_least is 11" in run.stdout


def test_unknown_codes_are_errors(rules_copy):
    path = rules_copy / "10-red-flags.yaml"
    edit(path, "finding: possible_infection", "finding: infection")
    edit(path, "disposition: urgent_consultation", "disposition: urgent")
    edit(path, "plan: [consult_practitioner,", "plan: [see_someone,")
    run = check(rules_copy)
    assert "unknown finding 'infection'" in run.stdout
    assert "unknown disposition 'urgent'" in run.stdout
    assert "unknown plan item 'see_someone'" in run.stdout


def test_duplicate_rule_id_names_both_places(rules_copy):
    path = rules_copy / "10-red-flags.yaml"
    edit(path, "id: rf-fever", "id: rf-saddle-numbness")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert "duplicate rule id 'rf-saddle-numbness' (first at" in run.stdout


def test_missing_metadata_is_an_error(rules_copy):
    path = rules_copy / "50-load.yaml"
    edit(path, "    reviewer: spinewise engineering team, checked against clinical-knowledge.md section 3\n    reviewer_role: engineering\n", "")
    edit(path, "    source: \"ARE HIP THRUSTS BAD FOR YOUR LOWER BACK?\"\n", "")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert "rule load-too-heavy is missing 'source'" in run.stdout
    # The hand-typed reviewer fields are authorship notes now: leaving them out is no problem.
    assert "missing 'reviewer'" not in run.stdout


def test_misspelt_key_is_reported(rules_copy):
    path = rules_copy / "50-load.yaml"
    edit(path, "    rationale: >", "    rationle: >")
    run = check(rules_copy)
    assert "unknown key 'rationle'" in run.stdout and "allowed:" in run.stdout


def test_operator_outside_the_whitelist_is_refused(rules_copy):
    path = rules_copy / "50-load.yaml"
    edit(path, "operator: more_than", "operator: __import__")
    run = check(rules_copy)
    assert "operator '__import__' does not fit int question reps_per_set" in run.stdout
    assert "at_least" in run.stdout


def test_invalid_example_answers_are_reported(rules_copy):
    path = rules_copy / "50-load.yaml"
    edit(path, "given: {reps_per_set: 16}", "given: {reps_per_set: 160}")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert f"{path}:{line_of(path, 'reps_per_set: 160')}: rule load-too-many-reps: example answers are invalid" in run.stdout


def test_every_row_has_the_file_line_message_shape(rules_copy):
    edit(rules_copy / "50-load.yaml", "operator: more_than", "operator: bigger")
    edit(rules_copy / "10-red-flags.yaml", "status: approved", "status: done")
    run = check(rules_copy)
    rows = run.stdout.split("\n\n")[0].splitlines()  # the rows, then a blank line, then the summary
    assert len(rows) >= 2
    for row in rows:
        file, line, message = row.split(":", 2)
        assert file.endswith(".yaml") and line.isdigit() and message.strip()


def test_non_utf8_rule_file_is_reported(rules_copy):
    (rules_copy / "70-extra.yaml").write_bytes(b"topic: x\nrules: []\n\xff")
    run = check(rules_copy)
    assert "70-extra.yaml:1: not UTF-8" in run.stdout


def test_python_tags_are_not_executed(rules_copy, tmp_path):
    marker = tmp_path / "pwned"
    (rules_copy / "70-evil.yaml").write_text(
        f"topic: !!python/object/apply:os.system ['touch {marker}']\nrules: []\n")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert not marker.exists()
    assert "70-evil.yaml:1:" in run.stdout


def test_assess_with_a_broken_rule_base_exits_2_without_traceback(rules_copy):
    edit(rules_copy / "50-load.yaml", "operator: more_than", "operator: bigger")
    run = invoke("assess", "--rules", rules_copy, "--answers", "-", input='{"saddle_numbness": true}')
    assert run.exit_code == 2
    assert run.stderr.startswith("Error: the rule base is broken: ") and "Traceback" not in run.stderr
    assert "operator 'bigger' does not fit int question reps_per_set" in run.stderr
    assert len(run.stderr.splitlines()) == 1, "one line, however many problems"


def test_missing_folder_is_reported(tmp_path):
    run = check(tmp_path / "nowhere")
    assert run.exit_code in (1, 2)
    assert "Traceback" not in run.output


def test_a_list_written_where_a_name_belongs_is_reported_at_its_line(rules_copy):
    technique, load, findings = rules_copy / "40-technique.yaml", rules_copy / "50-load.yaml", rules_copy / "findings.yaml"
    edit(technique, "finding: lumbar_hyperextension\n", "finding: [lumbar_hyperextension]\n")
    edit(load, "question: reps_per_set\n", "question: {id: reps_per_set}\n")
    edit(findings, "  - code: severe_pain\n", "  - code: [severe_pain]\n")
    run = check(rules_copy)
    assert run.exit_code == 1 and "Traceback" not in run.output
    assert (f"{technique}:{line_of(technique, 'finding: [lumbar_hyperextension]')}: rule tech-hyperextension: "
            "unknown finding (a list where a name belongs)") in run.stdout
    assert f"{load}:{line_of(load, 'question: {id: reps_per_set}')}: unknown question (a mapping where a name belongs)" \
        in run.stdout
    assert f"{findings}:{line_of(findings, 'code: [severe_pain]')}: code (a list where a name belongs) must be a word" \
        in run.stdout


def test_a_comma_in_an_unquoted_label_says_to_quote_it(rules_copy):
    path = rules_copy / "questions.yaml"
    edit(path, "{value: top, label: At the top of the thrust}", "{value: top, label: At the top, hips locked}")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert f"{path}:{line_of(path, 'hips locked')}: unknown key 'hips locked' in question pain_phase: a choice " \
           "(allowed: value, label); if it is part of a text that contains a comma or a colon, put the whole text " \
           "in quotes" in run.stdout


def test_a_yaml_syntax_error_gets_a_plain_hint(rules_copy):
    path = rules_copy / "findings.yaml"
    edit(path, "    title: Possible infection", "    title: Possible infection: fever")
    run = check(rules_copy)
    assert run.exit_code == 1
    [row, blank, languages, verdict] = run.stdout.splitlines()
    assert blank == "" and languages.startswith("languages offered: ") and row.startswith(f"{path}:{line_of(path, 'Possible infection: fever')}: YAML syntax: ")
    assert verdict == "1 error(s), 0 warning(s)"
    assert "must be put in quotes" in row


def test_an_unknown_code_suggests_the_one_meant(rules_copy):
    edit(rules_copy / "10-red-flags.yaml", "      finding: night_pain", "      finding: nigth_pain")
    run = check(rules_copy)
    assert "rule rf-night-pain: unknown finding 'nigth_pain' (did you mean 'night_pain'?)" in run.stdout


def test_a_new_question_missing_from_the_baseline_is_one_problem_pointing_at_example_baseline(rules_copy):
    path = rules_copy / "questions.yaml"
    edit(path, '      after_session: "it hurts only after the session"\n',
         '      after_session: "it hurts only after the session"\n'
         "  - id: pain_side\n    section: Your back\n    type: choice\n    text: Where is the pain?\n"
         "    choices:\n      - {value: middle, label: In the middle}\n      - {value: one_side, label: On one side}\n"
         "    asked_when: {question: back_pain, operator: is_true}\n"
         "    says: {middle: it hurts in the middle, one_side: it hurts on one side}\n")
    run = check(rules_copy)
    assert run.exit_code == 1
    baseline = rules_copy / "rulebase.yaml"
    [row] = [line for line in run.stdout.splitlines() if line.startswith(str(rules_copy))]
    assert row.startswith(f"{baseline}:{line_of(baseline, 'example_baseline:')}: example_baseline has no answer to "
                          "pain_side, which ")
    assert "add a line `pain_side: ...` under example_baseline" in row and "one of middle, one_side" in row
    edit(baseline, "  pain_phase: throughout\n", "  pain_phase: throughout\n  pain_side: middle\n")
    assert check(rules_copy).exit_code == 0


def test_a_failing_rule_example_is_an_error_for_check(rules_copy):
    path = rules_copy / "20-pain.yaml"
    edit(path, "  severe_pain_at_least:\n    value: 7\n", "  severe_pain_at_least:\n    value: 6\n")
    run = check(rules_copy)
    assert run.exit_code == 1
    example = line_of(path, "pain_intensity: 6,")
    assert f"{path}:{example}: rule pain-severe #2 fails: disposition is consultation, expected corrective_program" \
        in run.stdout


def test_the_whole_report_goes_to_standard_output_rows_then_what_was_verified_then_the_verdict(rules_copy):
    edit(rules_copy / "10-red-flags.yaml", "      finding: night_pain", "      finding: nigth_pain")
    broken = check(rules_copy)
    assert broken.exit_code == 1 and broken.stderr == ""
    lines = broken.stdout.splitlines()
    assert "unknown finding 'nigth_pain'" in lines[0] and lines[-1] == "1 error(s), 0 warning(s)"
    clean = check("rules")
    assert clean.exit_code == 0 and clean.stderr == ""
    lines = clean.stdout.splitlines()
    assert lines[0].startswith("warning: no clinic has approved this rule base for use: there is no approval.yaml")
    assert not lines[0].startswith("rules") and "approval.yaml:1" not in clean.stdout  # no file:line of a file that is not there
    assert lines[1] == "" and lines[2].startswith("static verification: ")
    assert lines[-1] == "rule base is valid (1 warning(s))"


@pytest.mark.parametrize("file, key, what", [
    ("findings.yaml", "findings", "a finding must be a mapping"),
    ("plan.yaml", "plan_items", "a plan item must be a mapping"),
    ("plan.yaml", "phases", "a phase must be a mapping"),
    ("rulebase.yaml", "dispositions", "a disposition must be a mapping"),
])
def test_an_entry_written_as_a_plain_string_is_an_error_not_a_traceback(tmp_path, file, key, what):
    """With the catalogues beside the rules, reading their lifter texts crashed on such an entry."""
    import re
    import shutil

    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)  # with locale/: the translations are checked too
    text = (folder / file).read_text()
    found = re.search(rf"^{key}:\n(\s+)- ", text, re.M)
    (folder / file).write_text(text[:found.end() - 2] + "- just a string\n" + found.group(1) + text[found.end() - 2:])
    run = invoke("rules", "check", folder)
    assert run.exit_code == 1 and "Traceback" not in run.output
    assert f"{file}:" in run.output and what in run.output


def test_a_dose_said_instead_may_fill_only_the_items_attributes(rules_copy):
    path = rules_copy / "plan.yaml"
    edit(path, "Stay at your usual working weight with", "Stay at {usual_weight} with")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert f"{path}:{line_of(path, '- when: {question: at_usual_weight')}: reintroduce_load: doses said instead " \
           "are sentences whose {places} name attributes of this item (start_sets_min, " in run.stdout


def test_a_rules_because_may_fill_only_the_parameters_it_tests(rules_copy):
    path = rules_copy / "70-checkin.yaml"
    edit(path, "at {usual_weight_checkins} check-ins in a row", "at {reintroduce_after_weeks} check-ins in a row")
    run = check(rules_copy)
    assert run.exit_code == 1
    line = line_of(path, 'check-ins in a row"')
    assert f"{path}:{line}: rule ci-program-complete: 'because' may fill only the " \
           "parameters the rule tests (usual_weight_checkins), not {reintroduce_after_weeks}" in run.stdout


def test_an_assessment_rule_reading_a_question_only_the_checkin_asks_is_an_error_not_a_crash(rules_copy):
    # A misspelt id in questions.yaml leaves the rules reading a name only checkin.yaml defines.
    edit(rules_copy / "questions.yaml", "- id: bladder_bowel_change\n", "- id: bladder_bowel_chane\n")
    run = check(rules_copy)
    assert run.exit_code == 1
    path = rules_copy / "10-red-flags.yaml"
    assert f"{path}:{line_of(path, 'id: rf-bladder-bowel')}: rule rf-bladder-bowel runs at the first assessment " \
           "but reads bladder_bowel_change, which questions.yaml does not ask" in run.stdout
