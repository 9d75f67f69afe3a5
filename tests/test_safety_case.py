"""The safety case: every hazard of safety.yaml is proved by `rules check` (the check-in ones over
seeded check-ins drawn across journal states, said as a sample), and lowering any red flag of
clinical-knowledge.md section 2, or a check-in safeguard of section 8, fails it, naming the
hazard and a lifter (with their journal, at a check-in) it fails."""

import json
import re

import pytest

from conftest import RULES, check, edit
from spinewise.checkin.space import run_drawn
from spinewise.checkin.view import checkin_view
from spinewise.engine.triage import Triage
from spinewise.review.safety import prove_hazards
from spinewise.rulebase.load import load_rulebase

CHECKIN_HAZARDS = {"checkin-nerve-sign-not-emergency", "checkin-infection-not-seen-within-a-day",
                   "checkin-cancer-history-not-seen-within-a-day", "checkin-trauma-not-seen-within-a-day",
                   "checkin-night-pain-left-to-train", "checkin-weight-loss-left-to-train",
                   "checkin-worsening-pain-left-to-train", "checkin-load-up-with-back-symptoms"}

# Each red flag of section 2: its rule, the disposition it gives, one step lower, and the hazard.
RED_FLAGS = [
    ("rf-saddle-numbness", "emergency", "urgent_consultation", "nerve-sign-not-emergency"),
    ("rf-bladder-bowel", "emergency", "urgent_consultation", "nerve-sign-not-emergency"),
    ("rf-leg-weakness", "emergency", "urgent_consultation", "nerve-sign-not-emergency"),
    ("rf-radiating-leg-pain", "consultation", "corrective_program", "radiating-pain-left-to-train"),
    ("rf-fever", "urgent_consultation", "consultation", "infection-not-seen-within-a-day"),
    ("rf-cancer-history", "urgent_consultation", "consultation", "cancer-history-not-seen-within-a-day"),
    ("rf-significant-trauma", "urgent_consultation", "consultation", "trauma-not-seen-within-a-day"),
    ("rf-night-pain", "consultation", "corrective_program", "night-pain-left-to-train"),
    ("rf-weight-loss", "consultation", "corrective_program", "weight-loss-left-to-train"),
]


def lower(folder, rule_id, old, new):
    """Change the disposition of one rule (only in its `then`, not its examples)."""
    path = folder / "10-red-flags.yaml"
    text = path.read_text()
    start = text.index(f"  - id: {rule_id}\n")
    then = text.index(f"      disposition: {old}\n", start)
    path.write_text(text[:then] + f"      disposition: {new}\n" + text[then + len(f"      disposition: {old}\n"):])


def test_the_shipped_rules_prove_every_hazard():
    rulebase = load_rulebase(RULES)
    proofs = prove_hazards(rulebase)
    assert len(proofs) >= 15
    assert {proof.hazard.id for proof in proofs} >= {flag[3] for flag in RED_FLAGS} | {
        "back-not-involved-referred", "healthy-back-referred", "worse-pain-left-to-train", "severe-pain-left-to-train",
        "persistent-pain-left-to-train", "no-improvement-left-to-train", "load-while-no-load", "no-safety-net"}
    assert [(p.hazard.id, p.status) for p in proofs if p.status != "proved" and p.hazard.scope != "checkin"] == []
    checkins = [p for p in proofs if p.hazard.scope == "checkin"]
    assert {p.hazard.id for p in checkins} == CHECKIN_HAZARDS
    assert [(p.hazard.id, p.status) for p in checkins if p.status != "proved"] == []
    for proof in checkins:  # proved over every check-in, no sample
        assert proof.how.startswith("proved over every check-in after every journal state"), proof.how
    run = check(RULES)
    assert run.exit_code == 0
    assert "safety case: 15 assessment hazard(s) proved over every answers set; 8 check-in hazard(s) proved over " \
           "every check-in after every journal state" in run.stdout


@pytest.mark.parametrize("rule_id, old, new, hazard", RED_FLAGS, ids=[flag[0] for flag in RED_FLAGS])
def test_lowering_a_red_flag_fails_check_naming_its_hazard_and_a_lifter_it_fails(rules_copy, rule_id, old, new,
                                                                                 hazard):
    lower(rules_copy, rule_id, old, new)
    run = check(rules_copy)
    assert run.exit_code == 1
    [row] = [line for line in run.stdout.splitlines() if f"hazard {hazard} is not prevented" in line]
    assert row.startswith(f"{rules_copy / 'safety.yaml'}:")
    answers = json.loads(re.search(r"For example these answers \(.*?\): (\{.*?\});", row).group(1))
    result = Triage(load_rulebase(rules_copy)).assess(answers)  # a complete, valid answers set
    ranks = [d.code for d in load_rulebase(rules_copy).dispositions]
    assert ranks.index(result.disposition) > ranks.index(old)  # the lifter really gets less than the guarantee
    assert f"controlling rules: " in row and rule_id in row.split("controlling rules: ")[1]


def test_a_healthy_back_referred_breaks_its_hazard(rules_copy):
    edit(rules_copy / "60-program.yaml", "      finding: no_back_involvement\n      disposition: continue_training",
         "      finding: no_back_involvement\n      disposition: consultation")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert "hazard healthy-back-referred is not prevented" in run.stdout


def test_load_advised_now_under_the_program_breaks_its_hazard(rules_copy):
    plan = rules_copy / "plan.yaml"
    text = plan.read_text()
    start = text.index("  - code: reduce_load\n")
    edit(plan, text[start:text.index("phase:", start) + len("phase: load_returns")],
         text[start:text.index("phase:", start)] + "phase: now")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert "hazard load-while-no-load is not prevented" in run.stdout


def test_a_hazard_names_unknown_codes_and_rules_with_did_you_mean(rules_copy):
    edit(rules_copy / "safety.yaml", "disposition_at_least: emergency", "disposition_at_least: emergncy")
    edit(rules_copy / "safety.yaml", "controls: [rf-fever]", "controls: [rf-fevr]")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert "disposition_at_least: unknown code 'emergncy' (did you mean 'emergency'?)" in run.stdout
    assert "controls names unknown rule 'rf-fevr' (did you mean 'rf-fever'?)" in run.stdout


def test_a_clinician_can_add_a_hazard_as_data_and_check_proves_it(rules_copy):
    path = rules_copy / "safety.yaml"
    path.write_text(path.read_text() + """
  - id: tuck-with-pain-keeps-training
    hazard: A lifter who tucks the tailbone and has back pain told to keep training as before.
    when:
      all:
        - {question: back_pain, operator: is_true}
        - {question: tailbone_tuck, operator: is_true}
    guarantee:
      disposition_never: [continue_training, reintroduce_load]
    controls: [pain-back-symptoms]
    rationale: Pain with a technique fault calls for the corrective program first.
""")
    assert check(rules_copy).exit_code == 0
    edit(path, "disposition_never: [continue_training, reintroduce_load]", "disposition_never: [corrective_program]")
    run = check(rules_copy)
    assert run.exit_code == 1 and "hazard tuck-with-pain-keeps-training is not prevented" in run.stdout


def broken_checkin(run, hazard):
    """The `rules check` row naming a check-in hazard, and the journal values and answers it gives."""
    [row] = [line for line in run.stdout.splitlines() if f"hazard {hazard} is not prevented at a check-in" in line]
    found = re.search(r"For example this check-in \((.*?)\): journal values (\{.*?\}) and check-in answers (\{.*?\});",
                      row)
    return row, found.group(1), json.loads(found.group(2)), json.loads(found.group(3))


def replay(folder, journal, answers):
    """The check-in's result and values, run as `spinewise checkin` runs it on the rule base in `folder`."""
    return run_drawn(Triage(checkin_view(load_rulebase(folder))), journal, answers)


def test_a_checkin_rule_that_stops_escalating_worse_pain_fails_check_naming_a_checkin(rules_copy):
    edit(rules_copy / "70-checkin.yaml", "      finding: worsening_pain\n      disposition: consultation",
         "      finding: worsening_pain\n      disposition: corrective_program")
    run = check(rules_copy)
    assert run.exit_code == 1
    row, got, journal, answers = broken_checkin(run, "checkin-worsening-pain-left-to-train")
    assert row.startswith(f"{rules_copy / 'safety.yaml'}:")
    assert "controlling rules: ci-pain-worse" in row and "worsening_pain" in got
    result, values = replay(rules_copy, journal, answers)  # the lifter really is left on the program
    ranks = [d.code for d in load_rulebase(rules_copy).dispositions]
    assert values["pain_change"] >= 2 and ranks.index(result.disposition) > ranks.index("consultation")
    assert "1 broken or unproved" in run.stdout


def test_a_load_step_up_after_a_week_with_back_symptoms_fails_check(rules_copy):
    edit(rules_copy / "70-checkin.yaml", "{code: reintroduce_load, step: {value_of: load_step_down}, change: down}",
         "{code: reintroduce_load, step: {value_of: load_step_up}, change: up}")
    run = check(rules_copy)
    assert run.exit_code == 1
    row, got, journal, answers = broken_checkin(run, "checkin-load-up-with-back-symptoms")
    assert "ci-load-back" in row.split("controlling rules: ")[1]
    assert "the plan never has \"Reintroduce load gradually\" go up" in row
    result, values = replay(rules_copy, journal, answers)
    assert values["back_this_week"] is True
    assert any(item.code == "reintroduce_load" and item.attributes.get("change") == "up" for item in result.plan)
    assert check(RULES).exit_code == 0  # the shipped rule steps back


@pytest.mark.parametrize("rule_id, old, new, hazard", [flag for flag in RED_FLAGS if flag[0] != "rf-radiating-leg-pain"],
                         ids=[flag[0] for flag in RED_FLAGS if flag[0] != "rf-radiating-leg-pain"])
def test_lowering_a_red_flag_also_fails_its_checkin_hazard(rules_copy, rule_id, old, new, hazard):
    lower(rules_copy, rule_id, old, new)
    run = check(rules_copy)
    assert run.exit_code == 1
    _, _, journal, answers = broken_checkin(run, f"checkin-{hazard}")
    result, _ = replay(rules_copy, journal, answers)
    ranks = [d.code for d in load_rulebase(rules_copy).dispositions]
    assert ranks.index(result.disposition) > ranks.index(old)


def test_plan_change_never_is_a_checkin_guarantee_only(rules_copy):
    path = rules_copy / "safety.yaml"
    path.write_text(path.read_text() + """
  - id: load-up-at-assessment
    hazard: Load stepped up at the first assessment.
    guarantee:
      plan_change_never: {reintroduce_load: up}
    controls: [prog-reintroduce-load]
    rationale: Only a check-in steps load.
""")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert "hazard load-up-at-assessment: plan_change_never is a check-in guarantee: add `scope: checkin`" in run.stdout
    edit(path, "plan_change_never: {reintroduce_load: up}", "plan_change_never: {reintroduce_lod: up}")
    assert "unknown code 'reintroduce_lod' (did you mean 'reintroduce_load'?)" in check(rules_copy).stdout
