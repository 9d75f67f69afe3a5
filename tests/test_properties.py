"""Properties over the whole answer space: always one disposition, red flags never lost."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RULES, SERIOUS_FLAGS_NO
from spinewise.report.model import build_view
from spinewise.report.render import render_report
from spinewise.rulebase.load import load_rulebase
from strategies import valid_answers

RULEBASE = load_rulebase(RULES)
CONTRACT_DISPOSITIONS = ["emergency", "urgent_consultation", "consultation", "corrective_program",
                         "reintroduce_load", "continue_training"]
NERVE_SIGNS = {"saddle_numbness": "emergency", "bladder_bowel_change": "emergency", "leg_weakness": "emergency",
               "radiating_leg_pain": "consultation"}
SERIOUS_FLAGS = {"fever": "urgent_consultation", "cancer_history": "urgent_consultation",
                 "significant_trauma": "urgent_consultation", "night_pain": "consultation",
                 "weight_loss": "consultation"}
RED_FLAGS = {**NERVE_SIGNS, **SERIOUS_FLAGS}
SERIOUS_FINDINGS = {"possible_infection", "cancer_history", "significant_trauma", "night_pain",
                    "unexplained_weight_loss"}
REQUIRED_PLAN = {"emergency": {"emergency_care", "stop_hip_thrusts", "pause_hip_extension_lifts"},
                 "urgent_consultation": {"urgent_consultation", "stop_hip_thrusts", "pause_hip_extension_lifts"},
                 "consultation": {"consult_practitioner", "stop_hip_thrusts", "pause_hip_extension_lifts"},
                 "corrective_program": {"dead_bug", "neutral_spine_hip_thrust", "program_schedule"},
                 "reintroduce_load": {"reintroduce_load"}, "continue_training": set()}
REFERRAL_ACTIONS = {"emergency_care", "urgent_consultation", "consult_practitioner", "stop_hip_thrusts",
                    "pause_hip_extension_lifts"}
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def severity(disposition):
    return CONTRACT_DISPOSITIONS.index(disposition)


@SETTINGS
@given(answers=valid_answers(RULEBASE))
def test_valid_answers_give_one_contract_disposition_and_its_plan(triage, answers):
    result = triage.assess(answers)
    assert result.disposition in CONTRACT_DISPOSITIONS
    assert REQUIRED_PLAN[result.disposition] <= set(result.plan_codes)
    assert "no_rule_decided" not in result.finding_codes  # the shipped rules leave no gap
    if result.disposition in ("emergency", "urgent_consultation", "consultation"):
        doing_now = {item.code for item in result.plan if item.phase == "now"}
        assert doing_now <= REFERRAL_ACTIONS, f"under {result.disposition}: {doing_now - REFERRAL_ACTIONS}"
        assert "no_back_involvement" not in result.finding_codes


def back_involved(answers) -> bool:
    return answers["back_pain"] or "lower_back" in answers["feel_location"]


def with_flag(answers, flag, value):
    """`answers` with a red flag answered; a serious flag needs the back involved, so it is made so."""
    if flag in SERIOUS_FLAGS and not back_involved(answers):
        answers = {**answers, "feel_location": [*answers["feel_location"], "lower_back"], **SERIOUS_FLAGS_NO}
    return {**answers, flag: value}


@SETTINGS
@given(answers=valid_answers(RULEBASE), flag=st.sampled_from(sorted(RED_FLAGS)))
def test_a_red_flag_never_lowers_the_disposition(triage, answers, flag):
    without = triage.assess(with_flag(answers, flag, False))
    flagged = triage.assess(with_flag(answers, flag, True))
    assert severity(flagged.disposition) <= severity(without.disposition)
    assert severity(flagged.disposition) <= severity(RED_FLAGS[flag])


@SETTINGS
@given(answers=valid_answers(RULEBASE))
def test_every_finding_names_its_rule_source_and_answers(triage, answers):
    for finding in triage.assess(answers).to_json()["findings"]:
        assert finding["rule"] and finding["source"]
        assert finding["because"], finding
        for question, value in finding["because"].items():
            assert answers[question] == value


@SETTINGS
@given(answers=valid_answers(RULEBASE))
def test_the_same_answers_always_give_the_same_result(triage, answers):
    assert triage.assess(answers).to_json() == triage.assess(dict(answers)).to_json()


@SETTINGS
@given(flag=st.sampled_from(["saddle_numbness", "bladder_bowel_change", "leg_weakness"]), data=st.data())
def test_emergency_with_any_prefix_of_answers_is_still_an_emergency(triage, flag, data):
    full = data.draw(valid_answers(RULEBASE))
    full[flag] = True
    keep = data.draw(st.integers(0, len(full)))
    partial = {flag: True, **{q: v for q, v in list(full.items())[:keep] if not q.startswith("pain_")}}
    result = triage.assess(partial)
    assert result.disposition == "emergency"
    assert "cauda_equina_signs" in result.finding_codes


@SETTINGS
@given(answers=valid_answers(RULEBASE), flags=st.sets(st.sampled_from(sorted(SERIOUS_FLAGS)), min_size=1))
def test_no_serious_flag_refers_a_lifter_whose_back_is_not_involved(triage, answers, flags):
    """Even answered (bypassing the questionnaire), a serious flag without back involvement changes nothing."""
    if back_involved(answers):
        answers = {**answers, "back_pain": False, "feel_location": ["glutes"]}
        answers = {q: v for q, v in answers.items() if RULEBASE.question(q).is_asked(answers)}
    plain = triage.conclude(answers)
    flagged = triage.conclude({**answers, **{flag: True for flag in flags}})
    assert flagged.disposition == plain.disposition
    assert not SERIOUS_FINDINGS & set(flagged.finding_codes)


@SETTINGS
@given(answers=valid_answers(RULEBASE))
def test_no_report_shows_two_conflicting_plan_items_in_one_phase(triage, answers):
    result = triage.assess(answers)
    by_phase: dict = {}
    for item in result.plan:
        by_phase.setdefault(item.phase, set()).add(item.code)
    for phase, codes in by_phase.items():
        for code in codes:
            clash = set(RULEBASE.plan_item(code).conflicts_with) & codes
            assert not clash, f"{code} and {clash} are both in phase {phase} under {result.disposition}"


@SETTINGS
@given(answers=valid_answers(RULEBASE))
def test_every_report_that_is_not_an_emergency_carries_the_safety_net(triage, answers):
    result = triage.assess(answers)
    view = build_view(result, RULEBASE)
    if result.disposition == "emergency":
        assert view.safety_net is None
        return
    net = view.safety_net
    assert net is not None and net.if_worse
    assert bool(net.check_again) != view.referral, "a date to check again, or under a referral once seen"
    assert (view.alert is not None and view.alert.by.startswith("by ")) == view.referral, "a referral has a date to act by"
    signs = {sign for _, listed in net.warnings for sign in listed}
    assert {RULEBASE.question(q).sign for q in ("saddle_numbness", "bladder_bowel_change", "leg_weakness")} <= signs
    assert (net.no_improvement != "") == (result.disposition == "corrective_program")
    text = " ".join(render_report(result, RULEBASE, "text").split())
    assert "SAFETY NET" in text
    assert (net.check_again or "once you have been seen") in text


@SETTINGS
@given(answers=valid_answers(RULEBASE))
def test_a_findings_because_list_never_exceeds_the_answers_its_rules_tested(triage, answers):
    result = triage.assess(answers)
    tested: dict = {}
    for finding in result.findings:
        tested.setdefault(finding.code, set()).update(finding.because)
    for view in build_view(result, RULEBASE).findings:
        assert len(view.because) <= max(len(tested[view.code]), 1), (view.code, view.because, tested[view.code])
