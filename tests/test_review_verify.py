"""`rules check` static verification: gaps, conflicts, redundant and unreachable rules, over every answer."""

import json
import re

from conftest import RULES, check
from review_support import add_rule, edit, line_of
from spinewise.api import load_triage
from spinewise.review.analysis.inline import inline_facts
from spinewise.review.analysis.search import explore, sample_regions
from spinewise.review.analysis.space import build_space
from spinewise.rulebase.load import load_rulebase


def rows(run, marker):
    """The problem rows of `rules check` that say `marker` (the rows come before a blank line and the summary)."""
    return [row for row in run.stdout.split("\n\n")[0].splitlines() if marker in row]


def shipped_answer_sets() -> str:
    rulebase = load_rulebase(RULES)
    return f"{build_space(rulebase, inline_facts(rulebase.active_rules()).values()).answer_sets():,}"


def test_shipped_rules_verify_clean_over_the_whole_answer_space():
    run = check(RULES)
    assert run.exit_code == 0
    # The one warning: no clinic has approved the shipped rules (a clinic's safety officer does); there is
    # no approval.yaml, so the row points at no file:line.
    rows, verified = run.stdout.split("\n\nstatic verification: ", 1)
    assert rows == f"warning: no clinic has approved this rule base for use: there is no approval.yaml in {RULES} " \
                   "(spinewise rules approve)"
    assert verified.startswith(f"checked every one of the {shipped_answer_sets()} possible answer sets")
    assert run.stdout.endswith("\nrule base is valid (1 warning(s))\n") and run.stderr == ""
    assert int(shipped_answer_sets().replace(",", "")) > 1_000_000


def test_the_answer_space_total_depends_on_the_questions_not_on_the_thresholds(rules_copy):
    edit(rules_copy / "20-pain.yaml", "value: 7", "value: 6")
    changed = load_rulebase(rules_copy)
    total = build_space(changed, inline_facts(changed.active_rules()).values()).answer_sets()
    assert f"{total:,}" == shipped_answer_sets()
    assert build_space(changed, []).answer_sets() == total


def test_a_gap_is_an_error_with_an_example_the_engine_confirms(rules_copy):
    edit(rules_copy / "60-program.yaml", "{question: weeks_on_program, operator: equals, value: 0}",
         "{question: weeks_on_program, operator: equals, value: 1}")
    run = check(rules_copy)
    assert run.exit_code == 1
    [gap] = rows(run, "gap:")
    path = rules_copy / "rulebase.yaml"
    assert gap.startswith(f"{path}:{line_of(path, 'when_no_rule_decides')}: gap: no rule gives a disposition when ")
    assert "gap: no rule gives a disposition when Warning signs: all no, feel_location without lower_back, " \
           "back_pain no, weeks_on_program 0 (" in gap
    example = json.loads(gap.split("for example ", 1)[1])
    result = load_triage(rules_copy).assess(example)
    assert result.disposition == "consultation" and "no_rule_decided" in result.finding_codes


def test_overlapping_rules_that_set_different_dead_bug_levels_conflict(rules_copy):
    path = rules_copy / "60-program.yaml"
    edit(path, "value: [one_leg, not_tried]}", "value: [one_leg, not_tried, cannot_keep_back_down]}")
    run = check(rules_copy)
    assert run.exit_code == 1
    [row] = rows(run, "conflict:")
    assert row.startswith(f"{path}:{line_of(path, 'id: prog-dead-bug-regress')}: conflict: rules prog-dead-bug-regress "
                          "and prog-dead-bug-beginner")
    assert "set dead_bug level to 'regress' and 'beginner'" in row


def test_disjoint_rules_with_different_levels_do_not_conflict():
    assert not rows(check(RULES), "conflict")


def test_a_rule_covered_by_another_with_the_same_outcome_is_redundant(rules_copy):
    path = add_rule(rules_copy, "fever-at-night", when="""
all:
  - {question: fever, operator: is_true}
  - {question: night_pain, operator: is_true}
""", then="""
finding: possible_infection
disposition: urgent_consultation
plan: [urgent_consultation]
""", given="{back_pain: true, fever: true, night_pain: true}")
    run = check(rules_copy)
    assert run.exit_code == 0, run.stdout
    [row] = rows(run, "redundant")
    assert row.startswith(f"{path}:{line_of(path, 'id: fever-at-night')}: warning: rule fever-at-night is redundant")
    assert "rule rf-fever" in row


def test_a_rule_that_concludes_more_is_not_redundant(rules_copy):
    add_rule(rules_copy, "fever-at-night", when="""
all:
  - {question: fever, operator: is_true}
  - {question: night_pain, operator: is_true}
""", then="""
finding: night_pain
disposition: urgent_consultation
""", given="{back_pain: true, fever: true, night_pain: true}")
    assert not rows(check(rules_copy), "redundant")


def test_a_rule_reading_a_question_that_is_never_asked_can_never_fire(rules_copy):
    path = add_rule(rules_copy, "painless-but-intense", when="""
all:
  - {question: back_pain, operator: is_false}
  - {question: pain_intensity, operator: at_least, value: 3}
""", then="finding: severe_pain")
    run = check(rules_copy)
    assert run.exit_code == 1
    [row] = rows(run, "never fire")
    assert row.startswith(f"{path}:{line_of(path, 'id: painless-but-intense')}: rule painless-but-intense "
                          "can never fire: no combination of answers satisfies its condition")
    assert "unreachable: <why>" in row


def test_a_rule_kept_on_purpose_although_it_never_fires_passes_when_it_says_why(rules_copy):
    path = add_rule(rules_copy, "painless-but-intense", when="""
all:
  - {question: back_pain, operator: is_false}
  - {question: pain_intensity, operator: at_least, value: 3}
""", then="finding: severe_pain")
    edit(path, "    rationale: Added by a test", "    unreachable: kept until the pain questions are asked of everyone\n"
                                                  "    rationale: Added by a test")
    run = check(rules_copy)
    assert run.exit_code == 0, run.stdout
    assert not rows(run, "never fire")


def test_one_finding_with_two_dispositions_on_the_same_answers_is_a_warning(rules_copy):
    add_rule(rules_copy, "moderate-pain", when="{question: pain_intensity, operator: at_least, value: 8}", then="""
finding: severe_pain
disposition: corrective_program
""", given="{back_pain: true, pain_intensity: 8, pain_weeks: 1, pain_exacerbated: false, pain_phase: top}")
    run = check(rules_copy)
    assert run.exit_code == 0
    [row] = rows(run, "both draw finding severe_pain")
    assert "warning: conflict: rules pain-severe and moderate-pain" in row
    assert "one with disposition consultation and one with corrective_program" in row


def test_vocabulary_no_rule_produces_is_a_warning(rules_copy):
    path = rules_copy / "findings.yaml"
    path.write_text(path.read_text() + "  - code: sore_knees\n    title: Sore knees\n")
    run = check(rules_copy)
    assert run.exit_code == 0
    assert f"{path}:{line_of(path, 'code: sore_knees')}: warning: finding sore_knees is drawn by no rule that runs" \
        in run.stdout


def test_draft_rules_are_verified_as_they_would_run(rules_copy):
    add_rule(rules_copy, "draft-regress", status="draft", when="""
all:
  - {plan: dead_bug}
  - {question: dead_bug, operator: equals, value: one_leg}
""", then="""
plan:
  - {code: dead_bug, level: regress}
""")
    run = check(rules_copy)
    assert run.exit_code == 1
    [row] = rows(run, "conflict")
    assert "with draft rules included: conflict: rules prog-dead-bug-beginner and draft-regress" in row


def test_too_large_a_space_falls_back_to_sampling_and_says_so():
    rulebase = load_rulebase(RULES)
    conditions = list(inline_facts(rulebase.active_rules()).values())
    space = build_space(rulebase, conditions)
    regions, coverage = explore(space, conditions, lambda truths: None not in truths, budget=50, samples=300)
    assert coverage.method == "sampled" and len(regions) == 300
    assert coverage.describe().startswith(f"sampled 300 answer sets of the {shipped_answer_sets()} possible")


def test_the_logic_verification_reasons_with_agrees_with_the_engine():
    """The static checks read rules as logic; on random answers (one per class) the engine fires exactly those rules."""
    rulebase = load_rulebase(RULES)
    rules = rulebase.active_rules()
    conditions = inline_facts(rules)
    space = build_space(rulebase, conditions.values())
    triage = load_triage(RULES)
    for region in sample_regions(space, list(conditions.values()), samples=300, seed=11):
        answers = space.complete(region.assignment)
        result = triage.assess(answers)
        assert set(result.rules_fired) == {rule.id for rule, value in zip(rules, region.truths) if value}, answers
        assert "no_rule_decided" not in result.finding_codes


def test_a_rule_base_too_large_to_compare_pairwise_says_what_it_skipped(rules_copy, monkeypatch):
    from spinewise.review.analysis import verify as verify_module

    add_rule(rules_copy, "fever-at-night", when="""
all:
  - {question: fever, operator: is_true}
  - {question: night_pain, operator: is_true}
""", then="finding: possible_infection\ndisposition: urgent_consultation", given="{back_pain: true, fever: true, night_pain: true}")
    monkeypatch.setattr(verify_module._Solver, "SEARCHES", 30)
    run = check(rules_copy)
    assert run.exit_code == 0
    assert re.search(r"too large to compare every pair of rules: [\d,]+ comparisons were skipped", run.stdout)
    assert not rows(run, "redundant")  # the search that would have found it was skipped, and the output says so


def test_a_plan_item_left_in_the_first_phase_beside_a_referral_is_a_warning(rules_copy):
    plan = rules_copy / "plan.yaml"
    text = plan.read_text()
    cues = text.index("  - code: technique_cues")
    plan.write_text(text[:cues] + text[cues:].replace("phase: during_program", "phase: now", 1))
    run = check(rules_copy)
    path = rules_copy / "40-technique.yaml"
    [row] = [row for row in rows(run, "warning: rule tech-lumbar-flexion plans technique_cues")]
    assert row.startswith(f"{path}:{line_of(path, 'id: tech-lumbar-flexion')}: warning: rule tech-lumbar-flexion "
                          "plans technique_cues, which stays in the first phase (now) beside a referral it can fire "
                          "together with: emergency (with rule rf-saddle-numbness, ")
    assert row.endswith("a lifter sent to a practitioner would be told to do it now")
    assert not rows(run, "rule rf-saddle-numbness plans")  # a referral's own plan is not below a referral


def test_two_conflicting_plan_items_in_one_phase_of_one_report_are_an_error(rules_copy):
    plan = rules_copy / "plan.yaml"
    text = plan.read_text()
    dead_bug = text.index("  - code: dead_bug")
    plan.write_text(text[:dead_bug] + text[dead_bug:].replace(
        "    phase: during_program\n", "    phase: during_program\n    conflicts_with: [technique_cues]\n", 1))
    run = check(rules_copy)
    assert run.exit_code == 1
    found = rows(run, "plan items dead_bug and technique_cues")
    where = f"{plan}:{line_of(plan, 'code: dead_bug')}: conflict: plan items dead_bug and technique_cues are " \
            "declared conflicting but one report with disposition"
    assert found == [f"{where} {disposition} can show both in phase {phase}" for disposition, phase in (
        ("emergency", "cleared"), ("urgent_consultation", "cleared"), ("consultation", "cleared"),
        ("corrective_program", "during_program"))]  # never under continue_training: no rule there plans dead_bug


def test_no_shipped_rule_leaves_a_plan_item_current_beside_a_referral():
    assert not rows(check(RULES), "stays in the first phase")
