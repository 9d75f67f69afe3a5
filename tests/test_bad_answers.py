"""Bad answers are refused: exit 2, one clear line on stderr naming the question, nothing on stdout."""

import json
import re

import pytest

from conftest import EXAMPLES, invoke, with_pain


def assess_text(text: str):
    return invoke("assess", "--answers", "-", "--format", "json", input=text)


def assert_refused(run, *words):
    assert run.exit_code == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert "Traceback" not in run.stderr
    for word in words:
        assert word in lines[0], lines[0]


def changed(healthy, **changes):
    return json.dumps({**healthy, **changes})


def test_malformed_json_is_refused():
    assert_refused(assess_text('{"saddle_numbness": tru'), "not valid JSON", "column 21")


def test_malformed_json_over_several_lines_names_the_line():
    assert_refused(assess_text('{\n  "saddle_numbness": tru\n}'), "not valid JSON", "line 2 column 22")


def test_non_utf8_is_refused():
    run = invoke("assess", "--answers", "-", input=b"\xff\xfe{}")
    assert_refused(run, "not UTF-8")


@pytest.mark.parametrize("text, kind", [("[]", "a list"), ('"x"', "a string"), ("3", "a number"), ("null", "null")])
def test_non_object_is_refused(text, kind):
    assert_refused(assess_text(text), "must be a JSON object", kind)


def test_unknown_id_is_named_with_the_known_ids(healthy):
    assert_refused(assess_text(changed(healthy, tailbone=True)), "'tailbone'", "tailbone_tuck")


@pytest.mark.parametrize("value, words", [
    (True, ["reps_per_set", "true", "whole number from 1 to 100"]),
    (10.5, ["reps_per_set", "10.5", "not a whole number"]),
    ("10", ["reps_per_set", '"10"']),
    (0, ["reps_per_set", "out of range", "1 to 100"]),
    (101, ["reps_per_set", "out of range"]),
    (10**30, ["reps_per_set", "out of range"]),
])
def test_wrong_count_is_refused(healthy, value, words):
    assert_refused(assess_text(changed(healthy, reps_per_set=value)), *words)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_name_their_question(healthy, constant):
    text = changed(healthy, reps_per_set=0).replace('"reps_per_set": 0', f'"reps_per_set": {constant}')
    assert_refused(assess_text(text), f"reps_per_set: {constant} is not allowed", "from 1 to 100")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_constants_in_a_list_name_their_question(healthy, constant):
    text = changed(healthy, feel_location=[]).replace('"feel_location": []', f'"feel_location": ["glutes", {constant}]')
    assert_refused(assess_text(text), f"feel_location: {constant} is not allowed", "glutes, hamstrings")


def test_absurdly_long_number_is_refused(healthy):
    text = changed(healthy, reps_per_set=0).replace('"reps_per_set": 0', '"reps_per_set": 1' + "0" * 5000)
    assert_refused(assess_text(text), "too many digits")


def test_pain_intensity_eleven_is_out_of_range(healthy):
    assert_refused(assess_text(json.dumps(with_pain(healthy, pain_intensity=11))),
                   "pain_intensity", "0 to 10")


@pytest.mark.parametrize("question, value, words", [
    ("saddle_numbness", 1, ["saddle_numbness", "true or false"]),
    ("saddle_numbness", "yes", ["saddle_numbness", "true or false"]),
    ("thumb_test", "apart", ["thumb_test", "spread, closer, unchanged, not_tried"]),
    ("feel_location", [], ["feel_location", "non-empty list"]),
    ("feel_location", "glutes", ["feel_location", "list"]),
    ("feel_location", ["glutes", "calves"], ["feel_location", '"calves"']),
    ("feel_location", ["glutes", "glutes"], ["feel_location", '"glutes" listed more than once']),
])
def test_wrong_type_or_value_is_refused(healthy, question, value, words):
    assert_refused(assess_text(changed(healthy, **{question: value})), *words)


def test_missing_answer_is_refused(healthy):
    del healthy["dead_bug"]
    assert_refused(assess_text(json.dumps(healthy)), "missing answer: dead_bug (one of")


def test_missing_pain_follow_up_is_refused(healthy):
    answers = with_pain(healthy)
    del answers["pain_weeks"]
    assert_refused(assess_text(json.dumps(answers)), "pain_weeks", "0 to 520")


def test_answer_to_a_question_not_asked_is_refused(healthy):
    assert_refused(assess_text(changed(healthy, pain_intensity=3)), "pain_intensity", "back_pain is yes")


def test_repeated_key_is_refused():
    assert_refused(assess_text('{"fever": false, "fever": true}'), "'fever' is given twice")


def test_missing_file_is_refused():
    assert_refused(invoke("assess", "--answers", "/no/such/answers.json"), "/no/such/answers.json", "does not exist")


def test_vignette_file_is_not_an_answers_file():
    run = invoke("assess", "--answers", EXAMPLES.parent / "tests" / "vignettes" / "healthy_glutes_only.json")
    assert_refused(run, "unknown question ids 'name'", "known ids: saddle_numbness")


def test_emergency_allows_missing_answers_and_lists_them():
    run = assess_text('{"saddle_numbness": true}')
    assert run.exit_code == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["disposition"] == "emergency"
    assert "dead_bug" in result["not_asked"] and "saddle_numbness" not in result["not_asked"]


def test_emergency_still_checks_the_answers_given():
    assert_refused(assess_text('{"saddle_numbness": true, "reps_per_set": 500}'), "reps_per_set")


def test_a_lesser_red_flag_does_not_excuse_missing_answers():
    assert_refused(assess_text('{"fever": true}'), "missing answers")


def test_no_answers_and_no_terminal_refuses_to_prompt():
    run = invoke("assess", input="")
    assert_refused(run, "not a terminal", "--answers")


def refusal(run) -> str:
    assert_refused(run)
    return run.stderr.strip()


def test_every_kind_of_problem_is_named_in_one_line(healthy):
    answers = {**healthy, "tailbone": True, "hips": 1, "reps_per_set": 0, "thumb_test": "apart",
               "arched_back": "no", "pain_intensity": 3, "pain_weeks": 2}
    del answers["dead_bug"], answers["leg_weakness"]
    text = json.dumps(answers).replace('"tailbone_tuck": false', '"tailbone_tuck": NaN')

    line = refusal(assess_text(text))

    assert "unknown question ids 'tailbone', 'hips' (known ids: " in line
    assert line.count("known ids") == 1
    assert "reps_per_set: 0 is out of range (expected a whole number from 1 to 100)" in line
    assert 'thumb_test: "apart" is not allowed (expected one of spread, closer, unchanged, not_tried)' in line
    assert 'arched_back: "no" is not allowed (expected true or false)' in line
    assert "tailbone_tuck: NaN is not allowed (expected true or false)" in line
    assert "pain_intensity, pain_weeks: answered, but asked only when back_pain is yes, so remove them" in line
    assert "missing answer" in line and "leg_weakness" in line and "dead_bug" in line
    assert len(line.split("; ")) == 7  # one clause per problem, the two missing answers and two not asked grouped


def test_one_run_names_every_missing_answer(rulebase, healthy):
    line = refusal(assess_text('{"saddle_numbness": false}'))

    always_asked = [q.id for q in rulebase.questions if q.asked_when is None and q.id != "saddle_numbness"]
    missing_clause = line.split("missing answers: ", 1)[1]
    named = [qid for qid in rulebase.questions_by_id if re.search(rf"\b{qid}\b", missing_clause)]
    assert named == always_asked and len(named) >= 12, line
    assert "true or false" in line and "a whole number from 1 to 100" in line
    # Answering exactly what the line named (as a healthy lifter) is enough.
    fixed = {"saddle_numbness": False, **{qid: healthy[qid] for qid in named}}
    assert invoke("assess", "--answers", "-", "--format", "json", input=json.dumps(fixed)).exit_code == 0


def test_answers_that_hang_on_a_bad_answer_are_neither_missing_nor_refused(healthy):
    answers = with_pain(healthy, back_pain="yes")
    line = refusal(assess_text(json.dumps(answers)))
    assert line == 'Error: back_pain: "yes" is not allowed (expected true or false)'


def test_an_emergency_still_names_every_bad_answer_but_no_missing_one():
    line = refusal(assess_text('{"saddle_numbness": true, "reps_per_set": 500, "fever": "x"}'))
    assert "reps_per_set: 500 is out of range" in line and 'fever: "x" is not allowed' in line
    assert "missing" not in line


def test_a_version_1_answers_file_is_refused_for_the_serious_flags_version_2_does_not_ask(healthy):
    version_1 = {**healthy, "fever": False, "cancer_history": False, "significant_trauma": False,
                 "night_pain": False, "weight_loss": False}
    line = refusal(assess_text(json.dumps(version_1)))
    assert ("fever, cancer_history, significant_trauma, night_pain, weight_loss: answered, but asked only when "
            "(back_pain is yes or feel_location includes lower_back), so remove them") in line


def test_an_answer_whose_asking_cannot_be_decided_is_refused_not_dropped():
    """With the emergency reached, missing answers are allowed, but a serious flag answered without the
    answers that decide whether it is asked would otherwise vanish from the reasoning."""
    line = refusal(assess_text('{"saddle_numbness": true, "fever": true}'))
    assert ("fever: answered, but whether it is asked depends on back_pain, feel_location, which are not "
            "answered; answer those or remove it") in line
