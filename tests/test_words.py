"""Words a lifter reads (issue 24; clinical knowledge section 6 "Words, version 4" and section 8
"Where the lifter stands"): each item found in version 3's check-in reports, as a test over a
lifter's nine weeks (tests/journeys/arched_lifter_back_to_usual_weight.json) and the journeys
where a week does not count."""

import re

import pytest

from conftest import TESTS
from words_support import lifters_part, run_journey

NINE_WEEKS = TESTS / "journeys" / "arched_lifter_back_to_usual_weight.json"
UNCOUNTED = TESTS / "journeys" / "uncounted_week_changes_no_dose.json"


@pytest.fixture(scope="module")
def nine_weeks(tmp_path_factory):
    return run_journey(NINE_WEEKS, tmp_path_factory.mktemp("nine"))


@pytest.fixture(scope="module")
def uncounted(tmp_path_factory):
    return run_journey(UNCOUNTED, tmp_path_factory.mktemp("uncounted"))


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_nine_weeks_run_whole(nine_weeks):
    assert not nine_weeks.errors
    assert len(nine_weeks.reports) == 10 and len(nine_weeks.results) == 10


def test_the_tracker_names_no_variable_and_only_real_levels(nine_weeks):
    for report in nine_weeks.reports:
        assert "last_dead_bug_level" not in report and "value of" not in report


def test_every_dose_parses(nine_weeks):
    for report in nine_weeks.reports[1:]:
        lifter = flat(lifters_part(report))
        assert not re.search(r"\b(\d+)-\1 sets\b", lifter), lifter
        assert "Start with 3 sets of 15 reps; build up to 3 sets of 15" not in lifter
    first = flat(nine_weeks.reports[0])
    assert "2-3 sets of 10 reps" not in first  # the spec starts the hip thrust at 2x10, as the journal does
    assert "Start with 2 sets of 10 reps, with no load" in first
    assert nine_weeks.results[0]["plan"][1]["sets"] == 2


def test_the_program_weeks_are_said_in_one_sentence_that_parses(nine_weeks):
    for report in nine_weeks.reports:
        assert "counted of it counted" not in flat(report)
    assert "The corrective program is behind you (3 weeks of it counted)." in flat(nine_weeks.reports[5])


def test_a_checkin_never_repeats_the_first_assessments_headline(nine_weeks):
    for report in nine_weeks.reports[1:]:
        lifter = flat(lifters_part(report))
        assert "spend the next 3 to 4 weeks" not in lifter
        assert "You have done the corrective program and are pain-free" not in lifter
        assert "WEEKLY CHECK-IN" in lifter


def test_the_no_improvement_date_stays_while_weeks_count(nine_weeks):
    import datetime

    on_program = [r["checkin"] for r in nine_weeks.results[1:] if "no_improvement_by" in r.get("checkin", {})]
    assert len(on_program) >= 3
    for before, after in zip(on_program, on_program[1:]):
        moved = (datetime.date.fromisoformat(after["no_improvement_by"]) -
                 datetime.date.fromisoformat(before["no_improvement_by"])).days
        assert moved == (0 if after["week_counted"] else 7), on_program
    assert all("no_improvement_by" not in r["checkin"] for r in nine_weeks.results[1:]
               if r["disposition"] != "corrective_program")


def test_a_week_that_does_not_count_moves_the_date_one_week_and_says_so(uncounted):
    dates = [r["checkin"]["no_improvement_by"] for r in uncounted.results[1:]]
    counted = [r["checkin"]["week_counted"] for r in uncounted.results[1:]]
    assert counted == [False, False, True]
    import datetime
    days = [datetime.date.fromisoformat(d) for d in dates]
    assert (days[1] - days[0]).days == 7 and days[2] == days[1]
    assert "That date moved one week later, because this week did not count." in flat(uncounted.reports[1])


def test_the_checkin_json_names_the_next_checkin_while_one_follows(nine_weeks):
    for result in nine_weeks.results[1:]:
        follows = result["disposition"] in ("corrective_program", "reintroduce_load")
        assert ("next_checkin" in result["checkin"]) == follows
    assert all(r["language"] == "en" for r in nine_weeks.results)


def test_the_safety_net_at_a_checkin_names_no_answer_again_date(nine_weeks):
    for report in nine_weeks.reports[1:]:
        assert "answer these questions again on" not in flat(report)
    last = flat(nine_weeks.reports[-1])
    assert "No more weekly check-ins are needed." in last
    assert "With the program complete, answering again means a new assessment: spinewise assess." in last
    assert flat(lifters_part(nine_weeks.reports[-1])).count("again") == 2, "when to answer again is said once, how once"
    assert "Next check-in" not in last


def test_back_at_the_usual_weight_the_dose_says_stay_there_not_how_to_start(nine_weeks):
    at_usual = [report for result, report in zip(nine_weeks.results, nine_weeks.reports)
                if result.get("answers", {}).get("at_usual_weight") and result["disposition"] == "reintroduce_load"]
    assert at_usual, "the nine weeks reach the usual weight before the program completes"
    for report in at_usual:
        said = flat(lifters_part(report))
        assert "Stay at your usual working weight" in said
        assert "First loaded sessions" not in said and "one small step of weight at most" not in said
    earlier = [report for result, report in zip(nine_weeks.results, nine_weeks.reports)
               if result["disposition"] == "reintroduce_load" and not result.get("answers", {}).get("at_usual_weight")]
    assert earlier and all("one small step of weight at most every 7 days" in flat(r) for r in earlier)


def test_reasons_are_reasons(nine_weeks):
    for report in nine_weeks.reports[1:]:
        lifter = flat(lifters_part(report))
        assert "the count of program weeks stands at" not in lifter
        assert "Because you are on the corrective program" not in lifter
        assert "Because you are bringing load back" not in lifter
        assert "because you have none of the warning signs this week" not in lifter


COUNTS = re.compile(r"\b(1 (times|weeks|sessions|points|symptom-free check-ins|program sessions)|"
                    r"0 symptom-free check-ins|come back 0 times)\b")


def test_no_count_reads_one_times(nine_weeks, uncounted):
    for report in nine_weeks.reports + uncounted.reports:
        assert not COUNTS.search(flat(lifters_part(report))), COUNTS.search(flat(lifters_part(report)))


def test_no_sentence_said_twice_in_a_row_of_reasons(nine_weeks):
    for report in nine_weeks.reports[1:]:
        lifter = flat(lifters_part(report))
        assert "Because this week does not count" not in lifter


def test_journal_show_says_dates_in_words(nine_weeks):
    shown = nine_weeks.journal
    assert "Monday 2 November 2026" in shown
    assert not re.search(r"\b\d{4}-\d\d-\d\d\b", shown.split("\n", 2)[2])


def test_technique_cues_name_only_the_fault_the_lifter_has():
    from conftest import EXAMPLES, invoke

    arched = " ".join(invoke("assess", "--answers", EXAMPLES / "exacerbated_pain_arched.json", "--format", "text")
                      .stdout.split())
    assert "Do not tuck the tailbone" not in arched
    tuck = " ".join(invoke("assess", "--answers", EXAMPLES / "tuck_pain_on_lowering.json", "--format", "text")
                    .stdout.split())
    assert "Do not tuck the tailbone" in tuck and "Do not arch the back" not in tuck


def test_a_lifter_who_does_not_tuck_is_not_told_of_a_tailbone_tuck(tmp_path):
    import json

    from conftest import EXAMPLES, invoke

    answers = json.loads((EXAMPLES / "tuck_pain_on_lowering.json").read_text())
    answers.update(tailbone_tuck=False, thumb_test="closer")
    path = tmp_path / "closer.json"
    path.write_text(json.dumps(answers))
    report = invoke("assess", "--answers", path, "--format", "text").stdout
    lifter = " ".join(lifters_part(report).split())
    assert "Lower back rounding under load" in lifter
    assert "tailbone tuck" not in lifter.lower() and "Do not arch the back" not in lifter


def test_an_emergency_report_says_nothing_reassuring_and_no_program_weeks(tmp_path):
    import json

    from conftest import EXAMPLES, invoke

    answers = json.loads((EXAMPLES / "tuck_pain_on_lowering.json").read_text())
    answers.update(saddle_numbness=True, feel_location=["glutes", "hamstrings", "lower_back"])
    path = tmp_path / "emergency.json"
    path.write_text(json.dumps(answers))
    lifter = " ".join(lifters_part(invoke("assess", "--answers", path, "--format", "text").stdout).split())
    assert "GO TO AN EMERGENCY DEPARTMENT NOW" in lifter
    assert "which is normal" not in lifter and "3 to 4 weeks" not in lifter


def test_the_end_of_the_program_says_once_that_no_check_in_follows(nine_weeks):
    last = flat(lifters_part(nine_weeks.reports[-1])).lower()
    assert last.count("no more weekly check-ins are needed") + last.count("no more check-ins are needed") == 1


@pytest.fixture(scope="module")
def nine_weeks_es(tmp_path_factory):
    return run_journey(NINE_WEEKS, tmp_path_factory.mktemp("nine-es"), lang="es")


def test_a_spanish_report_says_in_spanish_that_no_review_could_be_verified(nine_weeks_es):
    for report in nine_weeks_es.reports:
        lifter = flat(lifters_part(report))
        assert "No clinician's review" not in lifter
        assert "No se ha podido verificar que un profesional sanitario haya revisado estas reglas." in lifter


@pytest.fixture(scope="module")
def not_pain_free(tmp_path_factory):
    return run_journey(TESTS / "journeys" / "no_improvement_after_four_counted_weeks.json",
                       tmp_path_factory.mktemp("not-pain-free"))


def test_a_referral_at_a_checkin_gives_no_dose_for_this_week_and_no_program_under_way(not_pain_free):
    referred = [report for result, report in zip(not_pain_free.results, not_pain_free.reports)
                if result["disposition"] == "consultation"]
    assert referred, "the journey ends in a referral"
    said = flat(lifters_part(referred[-1]))
    assert "Not pain-free after the corrective program" in said and "No improvement" not in said
    assert "What changed since last week" not in said and "Stays at" not in said, \
        "no dose to keep doing beside 'no hip thrusts until a practitioner has cleared you'"
    assert "Corrective program under way" not in said and "The program waits for a practitioner" in said
    assert "The weekly check-ins stop here: see a practitioner first." in said
    assert "No more weekly check-ins are needed." not in said
    assert said.count("again at once") == 1 and "or at once if anything changes" not in said, \
        "when to answer again at once is said once"


def test_the_no_improvement_date_says_what_it_checks(not_pain_free):
    on_program = [flat(report) for result, report in zip(not_pain_free.results, not_pain_free.reports)
                  if result["disposition"] == "corrective_program"]
    assert on_program and all("If your back is not better" not in said for said in on_program)
    assert any(re.search(r"If on \w+day \d+ \w+ \d{4} you still have back pain or feel the exercises in your "
                         r"lower back, stop the program", said) for said in on_program)


def test_the_safety_net_on_the_way_back_to_load_agrees_with_the_step_back(nine_weeks, not_pain_free):
    loading = [flat(lifters_part(report)) for result, report in zip(nine_weeks.results, nine_weeks.reports)
               if result["disposition"] == "reintroduce_load"]
    assert loading
    for said in loading:
        assert "If your back hurts or you feel the lift in it, go back one step of weight." in said
        assert "If back pain stays after a step back, gets worse, spreads, or stops you sleeping, stop hip thrusts" in said
        assert "If back pain starts" not in said, "a back symptom first sends the weight a step back, not to a stop"
    referred = flat(lifters_part(not_pain_free.reports[-1]))
    assert "If back pain gets worse, spreads, or stops you sleeping before you are seen, answer these questions " \
           "again at once." in referred


def test_the_reason_for_bringing_load_back_and_for_completing_is_the_reason(nine_weeks):
    by_outcome = {result["disposition"]: flat(lifters_part(report))
                  for result, report in zip(nine_weeks.results[1:], nine_weeks.reports[1:])}
    started = next(flat(lifters_part(report)) for result, report in zip(nine_weeks.results, nine_weeks.reports)
                   if any(f["code"] == "program_completed_pain_free" for f in result["findings"]))
    assert "Because at least 3 weeks of the program have counted, and this week you had no back pain and felt " \
           "nothing in your lower back." in started
    complete = by_outcome["continue_training"]
    assert "Because you have been back at your usual working weight with no back symptoms at 2 check-ins in a " \
           "row." in complete
    assert "Because you have none of the warning signs this week." not in complete
