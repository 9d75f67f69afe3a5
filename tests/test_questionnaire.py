"""The interactive questionnaire, driven through CliRunner with what a person would type."""

import json
import os
import shutil
import stat

import pytest

from conftest import EXAMPLES, RULES, TESTS, invoke, with_pain
from spinewise.questionnaire.resume import FILE_NAME

VIGNETTES = sorted((TESTS / "vignettes").glob("*.json"))
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch):
    """Keep every resume file inside the test's own folder."""
    home = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(home))
    return home


@pytest.fixture
def resume_file(state_home):
    return state_home / "spinewise" / FILE_NAME


def typed(question, value) -> str:
    """What a person types to give `value` to `question`."""
    if question.type == "bool":
        return "y" if value else "n"
    if question.type == "int":
        return str(value)
    numbers = {choice: str(index) for index, choice in enumerate(question.allowed_values, start=1)}
    if question.type == "choice":
        return numbers[value]
    return ",".join(numbers[item] for item in value)


def script(rulebase, answers, after_emergency="y") -> list[str]:
    """The lines typed to answer the questionnaire with `answers`, in the order it asks."""
    lines = []
    for question in rulebase.questions:
        if question.id in answers:
            lines.append(typed(question, answers[question.id]))
    emergency_questions = _emergency_questions(rulebase)
    first_yes = next((i for i, q in enumerate(q for q in rulebase.questions if q.id in answers)
                      if q.id in emergency_questions and answers[q.id] is True), None)
    if first_yes is not None:
        lines.insert(first_yes + 1, after_emergency)
    return lines


def _emergency_questions(rulebase) -> set:
    most_severe = rulebase.roles.stop_disposition
    return {qid for rule in rulebase.rules if rule.disposition == most_severe for qid in rule.questions}


def ask(*args, lines):
    return invoke("assess", "--interactive", *args, input="".join(line + "\n" for line in lines))


def asked_ids(result, rulebase) -> list[str]:
    """Question ids whose text was shown, in the order first shown."""
    opening = {q.id: q.text[:35] for q in rulebase.questions}  # always on the first screen line
    shown = [qid for qid, text in opening.items() if text in result.stderr]
    return sorted(shown, key=lambda qid: result.stderr.index(opening[qid]))


def test_healthy_lifter_is_not_asked_about_pain(rulebase, healthy):
    result = ask("--format", "json", lines=script(rulebase, healthy))

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["disposition"] == "continue_training"
    assert report["answers"] == healthy
    assert "How strong is the pain" not in result.stderr
    assert "Question 13 of 13" in result.stderr
    assert "Question 14" not in result.stderr
    assert "fever" not in " ".join(asked_ids(result, rulebase))  # the serious flags need back involvement
    assert result.stderr.rstrip().endswith("That was the last question.")


def test_pain_brings_its_follow_up_questions_and_the_count_grows(rulebase, healthy):
    answers = with_pain(healthy, tailbone_tuck=True, thumb_test="closer")
    result = ask("--format", "json", lines=script(rulebase, answers))

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["disposition"] == "corrective_program"
    assert "Question 6 of 13 to 22" in result.stderr  # back_pain: the follow-ups hang on its answer
    assert "Question 7 of 22" in result.stderr  # the pain follow-ups, and the serious flags: now certain
    assert asked_ids(result, rulebase)[5:16] == ["back_pain", "pain_intensity", "pain_weeks", "pain_exacerbated",
                                                 "pain_phase", "fever", "cancer_history", "significant_trauma",
                                                 "night_pain", "weight_loss", "tailbone_tuck"]


def test_red_flags_come_first(rulebase, healthy):
    result = ask("--format", "json", lines=script(rulebase, healthy))

    order = asked_ids(result, rulebase)
    assert order[:4] == [q.id for q in rulebase.questions if q.section == "Warning signs"] == [
        "saddle_numbness", "bladder_bowel_change", "leg_weakness", "radiating_leg_pain"]
    assert order == [q.id for q in rulebase.questions if q.id in healthy]


def test_yes_to_saddle_numbness_shows_emergency_advice_at_once_and_can_stop_there(rulebase):
    emergency = rulebase.dispositions[0]
    result = ask("--format", "json", lines=["y", "n"])

    assert result.exit_code == 0, result.stderr
    assert emergency.title.upper() in result.stderr
    assert "Question 2 of" not in result.stderr
    assert "Stopping here: the report is made from your 1 answer" in result.stderr
    report = json.loads(result.stdout)
    assert report["disposition"] == "emergency"
    assert report["answers"] == {"saddle_numbness": True}
    assert report["not_asked"][0] == "bladder_bowel_change"
    assert "weeks_on_program" in report["not_asked"]


def test_after_the_emergency_advice_the_lifter_may_finish_for_a_full_report(rulebase, healthy):
    answers = {**healthy, "bladder_bowel_change": True, "leg_weakness": True}
    result = ask("--format", "json", lines=script(rulebase, answers))

    assert result.exit_code == 0, result.stderr
    questions_after = len(answers) - 2
    # shown in full once, then as a one-line warning above every question still asked
    assert result.stderr.count(f"WARNING: {rulebase.dispositions[0].title.upper()}") == 1 + questions_after + 1
    assert result.stderr.count(" ".join(rulebase.dispositions[0].advice.split()[:6])) == 2  # and at the end
    report = json.loads(result.stdout)
    assert report["disposition"] == "emergency"
    assert report["answers"] == answers
    assert "not_asked" not in report


def test_emergency_questions_are_found_from_the_rules(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    red_flags = rules / "10-red-flags.yaml"
    text = red_flags.read_text()
    fever_rule = text.index("id: rf-fever")
    end = text.index("id: rf-cancer-history")
    red_flags.write_text(text[:fever_rule] + text[fever_rule:end].replace(
        "disposition: urgent_consultation", "disposition: emergency").replace(
        "plan: [urgent_consultation]}", "plan: [emergency_care]}") + text[end:])  # its example follows it

    # fever is asked once the back is involved: felt in the lower back, no pain
    result = ask("--rules", rules, "--format", "json", lines=["n", "n", "n", "n", "1,5", "n", "y", "n"])

    assert result.exit_code == 0, result.stderr
    assert "GO TO AN EMERGENCY DEPARTMENT NOW" in result.stderr
    assert json.loads(result.stdout)["answers"] == {
        "saddle_numbness": False, "bladder_bowel_change": False, "leg_weakness": False, "radiating_leg_pain": False,
        "feel_location": ["glutes", "lower_back"], "back_pain": False, "fever": True}


@pytest.mark.parametrize("bad, error", [
    ("maybe", "please type y or n"),
    ("yess", "please type y or n"),
])
def test_a_wrong_yes_no_entry_is_explained_and_asked_again(bad, error):
    result = ask("--format", "json", lines=["n", bad, "y", "n"])

    assert result.exit_code == 0, result.stderr
    assert f"Error: {error}" in result.stderr
    assert result.stderr.count("Have you had new trouble passing or holding urine") == 1
    assert result.stderr.count("Your answer (y/n; ? = why)") == 3
    assert json.loads(result.stdout)["answers"] == {"saddle_numbness": False, "bladder_bowel_change": True}


def test_wrong_numbers_and_choices_are_asked_again_without_losing_answers(rulebase, healthy):
    answers = with_pain(healthy, pain_intensity=4, pain_phase="top", feel_location=["glutes", "core"])
    lines = script(rulebase, answers)
    feel, intensity, phase = (list(q.id for q in rulebase.questions if q.id in answers).index(qid)
                              for qid in ("feel_location", "pain_intensity", "pain_phase"))
    lines[phase:phase] = ["5", "top of it"]
    lines[intensity:intensity] = ["11", "-1", "four"]
    lines[feel:feel] = ["", "0", "1,9", "glutes and more"]

    result = ask("--format", "json", lines=lines)

    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("Error: please type a whole number from 0 to 10.") == 3
    assert result.stderr.count("Error: please type one number from 1 to 4.") == 2
    flat = " ".join(result.stderr.split())
    assert flat.count("Error: please type one or more numbers from 1 to 5") == 4  # an empty line is answered too
    assert json.loads(result.stdout)["answers"] == answers


def test_several_places_can_be_chosen_by_number_or_name_in_any_order(rulebase, healthy):
    lines = script(rulebase, healthy)
    lines[4] = "4, 2 glutes"

    result = ask("--format", "json", lines=lines)

    assert json.loads(result.stdout)["answers"]["feel_location"] == ["glutes", "hamstrings", "core"]
    assert "= Glutes (buttocks); Hamstrings (back of the thighs); Core (abdominals)" in result.stderr


def test_question_mark_explains_in_plain_words_and_two_list_the_rules(rulebase, healthy):
    rule = next(rule for rule in rulebase.rules if rule.id == "rf-saddle-numbness")
    lines = script(rulebase, healthy)
    lines[1:1] = ["??"]
    lines[0:0] = ["?"]
    result = ask("--format", "json", lines=lines)

    assert result.exit_code == 0, result.stderr
    first, second = (" ".join(part.split()) for part in result.stderr.split("Your answer (y/n; ? = why)")[1:4:2])
    assert "Type ? at any question to see why it is asked (?? lists the rules behind it)" in " ".join(
        result.stderr.split())
    assert "If you answer yes, the advice will be: Go to an emergency department now." in first
    assert "nerves at the bottom of the spine are being squeezed" in first  # why it matters, not the hint again
    assert "The saddle area is the parts" not in first
    assert "rf-" not in first and rule.title not in first and "Type ?? to see the rules" in first
    assert "Why this question is asked:" in second
    assert "rule rf-bladder-bowel" in second
    assert result.stderr.count("Do you have numbness or tingling in the saddle area?") == 2
    assert json.loads(result.stdout)["answers"] == healthy


def test_why_says_when_a_follow_up_question_is_asked(rulebase, healthy):
    lines = script(rulebase, with_pain(healthy))
    lines.insert(6, "??")  # at pain_intensity, the first follow-up

    result = ask("--format", "json", lines=lines)

    flat = " ".join(result.stderr.split())
    assert ('It is asked because the answer to "Do you have lower-back pain or discomfort during or after hip '
            'thrusts?" is yes.') in flat
    assert "Severe pain needs a practitioner" in result.stderr
    assert "when your answer is at least 7" in result.stderr


def test_why_lists_every_rule_but_shortens_long_conditions(rulebase, healthy):
    readers = [rule for rule in rulebase.active_rules() if "saddle_numbness" in rule.questions]
    result = ask("--format", "json", lines=["??"] + script(rulebase, healthy))

    why = result.stderr[result.stderr.index("Why this question is asked:"):]
    why = why[:why.index("Your answer", 1)]
    assert f"{len(readers)} rules use your answer" in why
    for rule in readers:
        assert rule.title in why
    gatekeeper = next(rule for rule in readers if rule.id == "prog-continue-training")
    assert f"when your answer is no, together with {len(gatekeeper.questions) - 1} other answers" in why
    assert "bladder bowel change" not in why  # the long condition is summarised, not spelled out


def test_why_follows_an_edited_rule_base(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    red_flags = rules / "10-red-flags.yaml"
    red_flags.write_text(red_flags.read_text().replace(
        "title: Saddle numbness suggests cauda equina syndrome", "title: Numb saddle area - emergency"))

    result = ask("--rules", rules, "--format", "json", lines=["??", "n", "n"])

    assert "Numb saddle area - emergency" in result.stderr
    assert "Saddle numbness suggests" not in result.stderr


def test_back_returns_to_the_previous_question(rulebase):
    result = ask("--format", "json", lines=["back", "n", "back", "n", "y", "n"])

    assert "This is the first question" in result.stderr
    assert result.stderr.count("Do you have numbness or tingling in the saddle area?") == 3
    assert json.loads(result.stdout)["answers"] == {"saddle_numbness": False, "bladder_bowel_change": True}


def test_stopping_keeps_the_answers_privately_and_resume_continues(rulebase, healthy, resume_file):
    lines = script(rulebase, healthy)
    first = ask("--format", "json", lines=lines[:5])  # input ends, as when the terminal closes

    assert first.exit_code == 130
    assert first.stdout == ""
    assert "Your 5 answers are kept" in first.stderr
    assert "spinewise assess --resume" in first.stderr
    assert stat.S_IMODE(os.stat(resume_file).st_mode) == 0o600
    assert json.loads(resume_file.read_text())["answers"] == {qid: healthy[qid] for qid in list(healthy)[:5]}

    second = ask("--resume", "--format", "json", lines=lines[5:])

    assert second.exit_code == 0, second.stderr
    assert "Question 6 of 13 to 22" in second.stderr
    assert "Question 5 of" not in second.stderr
    assert json.loads(second.stdout)["answers"] == healthy
    assert not resume_file.exists()


def test_an_unfinished_questionnaire_is_offered_when_starting_again(rulebase, healthy, resume_file):
    lines = script(rulebase, healthy)
    ask(lines=lines[:3])

    again = ask("--format", "json", lines=["y"] + lines[3:])

    assert "You have an unfinished questionnaire with 3 answers. Continue it?" in again.stderr
    assert json.loads(again.stdout)["answers"] == healthy


def test_declining_the_unfinished_questionnaire_starts_from_the_first_question(rulebase, healthy):
    lines = script(rulebase, healthy)
    ask(lines=lines[:3])

    again = ask("--format", "json", lines=["n", "y"] + lines)

    assert "Start again and forget those 3 answers?" in again.stderr
    assert "Question 1 of 13 to 22" in again.stderr
    assert json.loads(again.stdout)["answers"] == healthy


def test_resume_after_choosing_to_stop_at_the_emergency_gives_the_report(resume_file):
    interrupted = ask("--format", "json", lines=["y"])  # input ends at "continue?"
    assert interrupted.exit_code == 130

    resumed = ask("--resume", "--format", "json", lines=["n"])

    assert resumed.exit_code == 0, resumed.stderr
    assert json.loads(resumed.stdout)["disposition"] == "emergency"
    assert not resume_file.exists()


def test_stopping_before_any_answer_keeps_nothing(resume_file):
    result = ask(lines=[])

    assert result.exit_code == 130
    assert "nothing was kept" in result.stderr
    assert not resume_file.exists()


def test_resume_without_an_unfinished_questionnaire_is_refused():
    result = ask("--resume", lines=[])

    assert result.exit_code == 2
    assert "there is no unfinished questionnaire to resume" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_damaged_resume_file_is_refused_in_one_line(resume_file):
    resume_file.parent.mkdir(parents=True)
    resume_file.write_text('{"answers": {"saddle_numbness": "perhaps"}}')

    result = ask("--resume", lines=[])

    assert result.exit_code == 2
    assert "cannot be continued: saddle_numbness: \"perhaps\" is not allowed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_resume_and_answers_together_are_refused():
    result = invoke("assess", "--resume", "--answers", EXAMPLE_FILES[0])

    assert result.exit_code == 2
    assert "--resume continues an unfinished questionnaire" in result.stderr


def test_without_a_terminal_it_refuses_to_prompt():
    result = invoke("assess", "--resume", input="n\n")

    assert result.exit_code == 2
    assert "standard input is not a terminal" in result.stderr
    assert result.stdout == ""


def test_the_report_can_go_to_a_file(rulebase, healthy, tmp_path):
    target = tmp_path / "report.html"
    result = ask("--output", target, lines=script(rulebase, healthy))

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"The report is in {target}." in result.stderr
    assert "<html" in target.read_text().lower()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda path: path.stem)
def test_saved_answers_replay_to_the_identical_result(rulebase, vignette, tmp_path):
    answers = json.loads(vignette.read_text())["answers"]
    saved = tmp_path / "answers.json"

    asked = ask("--format", "json", "--save-answers", saved, lines=script(rulebase, answers))
    replayed = invoke("assess", "--answers", saved, "--format", "json")

    assert asked.exit_code == 0, asked.stderr
    assert replayed.stdout == asked.stdout
    assert json.loads(saved.read_text()) == answers
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    from_file = invoke("assess", "--answers", EXAMPLES / vignette.name, "--format", "json")
    assert json.loads(from_file.stdout) == json.loads(asked.stdout)


def test_saved_answers_of_an_early_stop_replay_to_the_identical_result(tmp_path):
    saved = tmp_path / "answers.json"

    asked = ask("--format", "json", "--save-answers", saved, lines=["n", "n", "y", "n"])
    replayed = invoke("assess", "--answers", saved, "--format", "json")

    assert replayed.stdout == asked.stdout
    assert json.loads(replayed.stdout)["not_asked"][0] == "radiating_leg_pain"


def test_a_report_that_cannot_be_written_keeps_the_answers_for_resume(rulebase, healthy, tmp_path, resume_file):
    missing_folder = tmp_path / "no-such-folder" / "report.html"
    failed = ask("--output", missing_folder, lines=script(rulebase, healthy))

    assert failed.exit_code == 2
    assert "your answers are kept: spinewise assess --resume" in failed.stderr
    assert json.loads(resume_file.read_text())["answers"] == healthy

    resumed = ask("--resume", "--format", "json", lines=[])

    assert resumed.exit_code == 0, resumed.stderr
    assert "Question" not in resumed.stderr
    assert json.loads(resumed.stdout)["answers"] == healthy
    assert not resume_file.exists()


def test_when_answers_cannot_be_kept_the_questionnaire_says_so_and_goes_on(rulebase, healthy, tmp_path,
                                                                            monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))

    finished = ask("--format", "json", lines=script(rulebase, healthy))
    stopped = ask(lines=["n", "n"])

    assert finished.exit_code == 0, finished.stderr
    assert finished.stderr.count("if you stop now, your answers are lost") == 1
    assert json.loads(finished.stdout)["answers"] == healthy
    assert stopped.exit_code == 130
    assert "Your answers could not be kept: cannot create" in stopped.stderr


def test_question_counts_match_what_is_asked_and_what_could_still_be_asked(rulebase):
    """'Question 6 of 13 to 22': the count taken in one pass equals the questions still to ask
    (fewest) and those later answers could still open (most), after every answer of every worked case."""
    from spinewise.questionnaire import flow

    checked = 0
    for case in sorted((TESTS / "cases").glob("*.json")):
        answers = json.loads(case.read_text()).get("answers", {})
        given: dict = {}
        for question in rulebase.questions:
            if question.id not in answers:
                continue
            given[question.id] = answers[question.id]
            count = flow.remaining(rulebase, given)
            assert (count.fewest, count.most) == (sum(1 for _ in flow.still_to_ask(rulebase, given)),
                                                  sum(1 for _ in flow.may_still_ask(rulebase, given))), case.name
            checked += 1
    assert checked > 500
