"""`spinewise rules diff`: what a rule change does, case by case, before it ships."""

import json
import random
import re

import pytest

from conftest import RULES, TESTS, invoke
from review_support import edit
from spinewise.api import load_triage


@pytest.fixture
def severe_at_six(rules_copy):
    edit(rules_copy / "20-pain.yaml", "  severe_pain_at_least:\n    value: 7\n", "  severe_pain_at_least:\n    value: 6\n")
    return rules_copy


PROGRAM = "Pause loaded hip thrusts and do the corrective program"
PRACTITIONER = "Stop hip thrusts and book a licensed practitioner"


def corpus(path):
    """The shared worked cases as saved answers with ids, like batch input."""
    lines = []
    for case in sorted((TESTS / "cases").glob("*.json")) + sorted((TESTS / "vignettes").glob("*.json")):
        data = json.loads(case.read_text())
        lines.append(json.dumps({"id": data["name"], **data["answers"]}))
    path.write_text("\n".join(lines) + "\n")
    return path


def diff_json(*args):
    run = invoke("rules", "diff", *args, "--format", "json")
    assert "Traceback" not in run.output
    return run, json.loads(run.stdout)


def test_severe_pain_at_six_moves_exactly_the_intensity_six_cases_of_a_corpus(severe_at_six, tmp_path):
    cases = corpus(tmp_path / "saved.jsonl")
    run, report = diff_json(RULES, severe_at_six, "--cases", cases)
    assert run.exit_code == 0
    assert report["compared"] == len(cases.read_text().splitlines())
    old, new = load_triage(RULES), load_triage(severe_at_six)
    expected = []
    for line in cases.read_text().splitlines():
        answers = json.loads(line)
        case_id = answers.pop("id")
        if old.assess(answers).to_json()["disposition"] != new.assess(answers).to_json()["disposition"]:
            expected.append(case_id)
    assert expected == ["pain_just_below_severe"]
    assert [c["case"].split(" ")[0] for c in report["changes"]] == expected
    [change] = report["changes"]
    assert change["answers"]["pain_intensity"] == 6
    assert change["old"]["disposition"] == "corrective_program" and change["new"]["disposition"] == "consultation"
    assert change["differences"] == ["disposition: corrective_program -> consultation", "findings: +severe_pain",
                                     "plan: +consult_practitioner +stop_hip_thrusts +pause_hip_extension_lifts"]
    assert report["transitions"] == [{"old": "corrective_program", "new": "consultation", "cases": 1,
                                      "answer_sets": 1, "lowers_urgency": False}]


def test_generated_covering_set_finds_exactly_the_moved_region(severe_at_six):
    run, report = diff_json(RULES, severe_at_six)
    assert run.exit_code == 0
    moved = [c for c in report["changes"] if c["old"]["disposition"] != c["new"]["disposition"]]
    [region] = moved
    assert region["case"] == ("Warning signs: all no, back_pain yes, pain_intensity 6, pain_weeks 0 to 6, "
                              "pain_exacerbated no, Warning signs with back symptoms: all no, weeks_on_program 0 to 3")
    assert (region["old"]["disposition"], region["new"]["disposition"]) == ("corrective_program", "consultation")
    # Every other change only adds the severe_pain finding where something else already decided.
    for change in report["changes"]:
        assert "pain_intensity 6" in change["case"] and change["answers"]["pain_intensity"] == 6
        assert "findings: +severe_pain" in change["differences"]
    assert re.search(r"standing for all [\d,]+ possible answer sets", report["replayed"])
    assert report["parameters"] == [{"name": "severe_pain_at_least", "old": "7", "new": "6",
                                     "meaning": "Pain intensity (0 to 10) from which the pain counts as severe."}]


def test_generated_set_agrees_with_random_answers_replayed_through_both_engines(severe_at_six):
    _, report = diff_json(RULES, severe_at_six)
    old, new = load_triage(RULES), load_triage(severe_at_six)
    rulebase = old.rulebase
    rng = random.Random(7)
    moved = 0
    for _ in range(800):
        answers = {}
        for q in rulebase.questions:
            if not q.is_asked(answers):
                continue
            if q.type == "bool":
                answers[q.id] = rng.random() < (0.03 if q.section.startswith("Warning signs") else 0.5)
            elif q.type == "int":  # near the thresholds, where a change bites
                answers[q.id] = min(max(rng.choice([0, 2, 3, 4, 5, 6, 7, 8, 16, 100]), q.minimum), q.maximum)
            elif q.type == "choice":
                answers[q.id] = rng.choice(q.allowed_values)
            else:
                answers[q.id] = rng.sample(q.allowed_values, rng.randint(1, 2))
        before, after = old.assess(answers).disposition, new.assess(answers).disposition
        if before != after:
            moved += 1
            assert answers["pain_intensity"] == 6 and (before, after) == ("corrective_program", "consultation")
    transitions = {(t["old"], t["new"]) for t in report["transitions"] if t["old"] != t["new"]}
    assert moved > 0 and transitions == {("corrective_program", "consultation")}


def test_a_change_that_lowers_urgency_is_highlighted_and_fails(severe_at_six):
    run = invoke("rules", "diff", severe_at_six, RULES)
    assert run.exit_code == 1
    assert "!! 1 change(s) LOWER URGENCY" in run.stdout
    lifters = run.stdout.split("LIFTERS WHOSE ADVICE CHANGES\n")[1]
    assert lifters.startswith(f"!! {PRACTITIONER} -> {PROGRAM}: ")  # the lifters come first, in titles
    assert re.search(rf"!! 1\. {PRACTITIONER} -> {PROGRAM} \([\d,]+ possible answer sets\)", run.stdout)
    assert "no longer finds: Severe pain" in run.stdout
    assert "PARAMETERS CHANGED\n   severe_pain_at_least: 6 -> 7" in run.stdout
    assert "consultation ->" not in run.stdout and "corrective_program" not in run.stdout


def test_identical_rule_bases_change_nothing():
    run = invoke("rules", "diff", RULES, RULES)
    assert run.exit_code == 0
    assert "No case changed" in run.stdout
    assert re.search(r"none of the [\d,]+ possible answer sets can change", run.stdout)


def test_a_changed_dead_bug_level_shows_the_plan_attribute(rules_copy):
    edit(rules_copy / "60-program.yaml", "- {code: dead_bug, level: beginner}", "- {code: dead_bug, level: regress}")
    run, report = diff_json(RULES, rules_copy)
    assert run.exit_code == 0
    assert report["changes"]
    for change in report["changes"]:
        assert change["differences"] == ["plan dead_bug: level 'beginner' -> 'regress'"]
        assert change["answers"]["dead_bug"] in ("one_leg", "not_tried")


def test_draft_rules_take_part_only_when_asked(rules_copy):
    path = rules_copy / "20-pain.yaml"
    edit(path, "  - id: pain-severe\n    title: Severe pain needs a practitioner\n    version: \"1.0\"\n    status: approved",
         "  - id: pain-severe\n    title: Severe pain needs a practitioner\n    version: \"1.0\"\n    status: draft")
    quiet = invoke("rules", "diff", RULES, rules_copy, "--include-draft")
    assert quiet.exit_code == 0 and "No case changed" in quiet.stdout and "(draft rules included)" in quiet.stdout
    loud = invoke("rules", "diff", RULES, rules_copy)
    assert loud.exit_code == 1 and f"!! {PRACTITIONER} -> {PROGRAM}" in loud.stdout


def test_cases_invalid_for_both_are_counted_not_compared(tmp_path):
    path = tmp_path / "saved.jsonl"
    path.write_text('{"saddle_numbness": "maybe"}\n')
    run = invoke("rules", "diff", RULES, RULES, "--cases", path)
    assert run.exit_code == 0
    assert "not compared:   1 case(s) whose answers neither rule base accepts" in run.stdout


def add_pain_side(folder):
    """A clinician's new question, its finding and a rule that refers one-sided pain."""
    edit(folder / "questions.yaml", '      after_session: "it hurts only after the session"\n',
         '      after_session: "it hurts only after the session"\n'
         "  - id: pain_side\n    section: Your back\n    type: choice\n    text: Where in the lower back is the pain?\n"
         '    choices:\n      - {value: middle, label: "In the middle, along the spine"}\n'
         "      - {value: one_side, label: On one side}\n    asked_when: {question: back_pain, operator: is_true}\n"
         "    says: {middle: it hurts in the middle of your lower back, one_side: it hurts on one side}\n")
    edit(folder / "rulebase.yaml", "  pain_phase: throughout\n", "  pain_phase: throughout\n  pain_side: middle\n")
    (folder / "findings.yaml").write_text((folder / "findings.yaml").read_text() +
                                          "  - code: one_sided_pain\n    title: Pain on one side of the lower back\n")
    (folder / "75-side.yaml").write_text("""topic: Side of the pain
rules:
  - id: pain-one-side
    title: Pain on one side needs a practitioner
    version: "1.0"
    status: approved
    author: a test
    source: clinical practice
    rationale: Less typical of a training strain.
    when: {question: pain_side, operator: equals, value: one_side}
    then:
      finding: one_sided_pain
      disposition: consultation
      plan: [consult_practitioner, stop_hip_thrusts, pause_hip_extension_lifts]
    examples:
      - given: {back_pain: true, pain_side: one_side}
        expect: {disposition: consultation, findings: [one_sided_pain]}
""")


def test_a_new_question_is_answered_every_way_and_the_lifters_it_moves_are_shown(rules_copy, tmp_path):
    add_pain_side(rules_copy)
    assert invoke("rules", "check", rules_copy).exit_code == 0
    run = invoke("rules", "diff", RULES, rules_copy)
    assert run.exit_code == 0, run.output
    assert 'new question pain_side ("Where in the lower back is the pain?"): every answer to it is tried' in run.stdout
    lifters = run.stdout.split("LIFTERS WHOSE ADVICE CHANGES\n")[1].splitlines()
    assert lifters[0].startswith(f"   {PROGRAM} -> {PRACTITIONER}: ")
    assert "pain_side one_side" in run.stdout and "now finds: Pain on one side of the lower back" in run.stdout
    cases = corpus(tmp_path / "saved.jsonl")
    _, report = diff_json(RULES, rules_copy, "--cases", cases)
    moved = [c for c in report["changes"] if c["old"]["disposition"] != c["new"]["disposition"]]
    assert moved and all(c["case"].endswith(", pain_side one_side") for c in moved)
    assert all(c["answers"]["pain_side"] == "one_side" for c in moved)
    back, removed = diff_json(rules_copy, RULES, "--cases", cases)
    assert "question pain_side is no longer asked" in removed["questions"][0] and back.exit_code == 0


def test_answers_the_new_rules_refuse_are_flagged(rules_copy, tmp_path):
    edit(rules_copy / "questions.yaml", "    maximum: 100\n", "    maximum: 50\n")
    path = tmp_path / "saved.jsonl"
    answers = json.loads((TESTS / "vignettes" / "healthy_glutes_only.json").read_text())["answers"]
    path.write_text(json.dumps({"id": "many_reps", **answers, "reps_per_set": 60}) + "\n")
    run = invoke("rules", "diff", RULES, rules_copy, "--cases", path)
    assert run.exit_code == 1
    assert "!! Keep training -> REFUSED as invalid: 1 saved case" in run.stdout
    assert "!! 1. Keep training -> REFUSED as invalid (1 saved case)" in run.stdout


def test_malformed_saved_answers_are_refused_in_one_line(tmp_path):
    path = tmp_path / "saved.jsonl"
    path.write_text('{"back_pain": tru}\n')
    run = invoke("rules", "diff", RULES, RULES, "--cases", path)
    assert run.exit_code == 2 and "saved.jsonl line 1: not valid JSON" in run.stderr


def test_one_folder_is_compared_with_the_rule_base_in_use(severe_at_six):
    shipped, report = diff_json(severe_at_six)
    named, same = diff_json("--rules", RULES, severe_at_six)
    assert shipped.exit_code == named.exit_code == 0
    assert report["transitions"] == same["transitions"]
    moves = [t["old"] + " -> " + t["new"] for t in report["transitions"] if t["old"] != t["new"]]
    assert moves == ["corrective_program -> consultation"]


def test_two_old_rule_bases_are_refused(severe_at_six):
    run = invoke("rules", "diff", "--rules", RULES, RULES, severe_at_six)
    assert run.exit_code == 2 and "not both" in run.stderr and "Traceback" not in run.stderr
