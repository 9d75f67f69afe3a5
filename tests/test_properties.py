"""Properties over the whole answer space: always one disposition, red flags never lost."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RULES
from spinewise.rulebase.load import load_rulebase
from strategies import valid_answers

RULEBASE = load_rulebase(RULES)
CONTRACT_DISPOSITIONS = ["emergency", "urgent_consultation", "consultation", "corrective_program",
                         "reintroduce_load", "continue_training"]
RED_FLAGS = {"saddle_numbness": "emergency", "bladder_bowel_change": "emergency", "leg_weakness": "emergency",
             "fever": "urgent_consultation", "cancer_history": "urgent_consultation",
             "significant_trauma": "urgent_consultation", "night_pain": "consultation",
             "weight_loss": "consultation", "radiating_leg_pain": "consultation"}
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
        doing_now = {item.code for item in result.plan if not item.after_clearance}
        assert doing_now <= REFERRAL_ACTIONS, f"under {result.disposition}: {doing_now - REFERRAL_ACTIONS}"
        assert "no_back_involvement" not in result.finding_codes


@SETTINGS
@given(answers=valid_answers(RULEBASE), flag=st.sampled_from(sorted(RED_FLAGS)))
def test_a_red_flag_never_lowers_the_disposition(triage, answers, flag):
    without = triage.assess({**answers, flag: False})
    with_flag = triage.assess({**answers, flag: True})
    assert severity(with_flag.disposition) <= severity(without.disposition)
    assert severity(with_flag.disposition) <= severity(RED_FLAGS[flag])


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
