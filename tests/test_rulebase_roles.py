"""Roles the rule base declares, named conditions, and `not` that does not depend on firing order."""

import json
import random
import re
import subprocess
import sys

import pytest

from conftest import EXAMPLES, REPO, RULES, check, edit, invoke, line_of
from spinewise.engine.triage import Triage
from spinewise.rulebase.load import load_rulebase

sys.path.insert(0, str(REPO / "benchmarks"))
from answers import random_answers, write_cases  # noqa: E402  (benchmarks/answers.py)

SRC = REPO / "src"
TEMPLATES = REPO / "templates"


def retire(path, rule_id):
    text = path.read_text()
    start = text.index(f"id: {rule_id}")
    status = text.index("status: approved", start)
    path.write_text(text[:status] + "status: retired" + text[status + len("status: approved"):])


def drop_vocabulary_entry(path, code):
    text = path.read_text()
    start = text.index(f"  - code: {code}\n")
    end = text.find("  - code:", start + 5)
    path.write_text(text[:start] + (text[end:] if end > 0 else ""))


def test_the_reported_crash_is_a_check_error_and_no_command_prints_a_traceback(rules_copy):
    # The review's crash: no safety-net finding and a gap that needs it.
    drop_vocabulary_entry(rules_copy / "findings.yaml", "no_rule_decided")
    retire(rules_copy / "60-program.yaml", "prog-continue-training")
    run = check(rules_copy)
    assert run.exit_code == 1
    line = line_of(rules_copy / "rulebase.yaml", "finding: no_rule_decided")
    assert f"{rules_copy / 'rulebase.yaml'}:{line}: roles: finding must name a finding" in run.stdout
    for fmt in ("text", "json", "html"):
        assessed = invoke("assess", "--rules", rules_copy, "--answers", EXAMPLES / "healthy_glutes_only.json",
                          "--format", fmt)
        assert assessed.exit_code == 2 and "Traceback" not in assessed.output
        assert "roles: finding must name a finding" in assessed.stderr


@pytest.mark.parametrize("old, new, says", [
    ("    disposition: consultation\n    finding: no_rule_decided", "    disposition: consult\n    finding: no_rule_decided",
     "roles: disposition must name a disposition; 'consult' is not one"),
    ("  stops_the_questionnaire: emergency", "  stops_the_questionnaire: ambulance",
     "roles: stops_the_questionnaire must name a disposition; 'ambulance' is not one"),
    ("    disposition: corrective_program", "    disposition: program",
     "roles: disposition must name a disposition; 'program' is not one"),
    ("    schedule: program_schedule", "    schedule: timetable",
     "roles: schedule must name a plan item (add it to plan.yaml); 'timetable' is not one"),
    ("    exercises: [dead_bug, neutral_spine_hip_thrust]", "    exercises: [dead_bugs]",
     "roles: exercises: unknown plan item 'dead_bugs'"),
    ("    tracker_weeks: 4", "    tracker_weeks: 0", "roles: tracker_weeks must be a whole number of at least 1"),
    ("    disposition: consultation\n    finding: no_rule_decided",
     "    disposition: continue_training\n    finding: no_rule_decided",
     "roles: when no rule decides, spinewise must not fall back to the mildest disposition (continue_training); triage up"),
])
def test_a_wrong_role_is_reported_at_its_line(rules_copy, old, new, says):
    path = rules_copy / "rulebase.yaml"
    edit(path, old, new)
    run = check(rules_copy)
    assert run.exit_code == 1
    changed = next(line for line in new.splitlines() if line not in old.splitlines())
    assert f"{path}:{line_of(path, changed.strip())}: {says}" in run.stdout


@pytest.mark.parametrize("role", ["when_no_rule_decides", "stops_the_questionnaire", "program"])
def test_a_missing_role_is_reported(rules_copy, role):
    path = rules_copy / "rulebase.yaml"
    text = path.read_text()
    start = text.index(f"  {role}:")
    end = re.search(r"\n  (?=[a-z#])", text[start + 3:])
    end = start + 3 + end.start() + 1 if end else text.index("\n# Answers of a healthy", start)
    path.write_text(text[:start] + text[end:])
    run = check(rules_copy)
    assert run.exit_code == 1
    assert f"'roles' is missing '{role}'" in run.stdout and f"{path}:" in run.stdout
    assert run.stdout.count(": error") + run.stdout.count(".yaml:") <= 2, "one problem, not a cascade"


def test_a_rule_base_without_roles_is_one_problem_at_rulebase_yaml(rules_copy):
    path = rules_copy / "rulebase.yaml"
    text = path.read_text()
    path.write_text(text[:text.index("roles:")] + text[text.index("# Answers of a healthy"):])
    run = check(rules_copy)
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0] == f"{path}:3: rulebase.yaml is missing 'roles'"
    assert len(run.stdout.split("\n\n")[0].splitlines()) == 1 and run.stdout.endswith("1 error(s), 0 warning(s)\n")


def test_an_unknown_presentation_style_is_reported(rules_copy):
    path = rules_copy / "rulebase.yaml"
    edit(path, "presentation: {style: danger, alert: top_and_end}", "presentation: {style: red, alert: loud}")
    run = check(rules_copy)
    line = line_of(path, "style: red")
    assert f"{path}:{line}: disposition emergency: style 'red' is not one of danger, warning" in run.stdout
    assert f"{path}:{line}: disposition emergency: alert 'loud' is not one of none, top, top_and_end" in run.stdout


def test_no_rule_base_code_is_named_in_python_or_templates():
    """The rule base owns its codes: Python and templates read roles instead."""
    codes = set()
    for path in RULES.glob("*.yaml"):
        codes |= set(re.findall(r"^\s*-?\s*code:\s*([a-z_]+)", path.read_text(), re.M))
    pattern = re.compile(r"[\"'](" + "|".join(sorted(codes)) + r")[\"']|[.-](" + "|".join(sorted(codes)) + r")\b")
    named = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
             for root in (SRC, TEMPLATES) for path in root.rglob("*") if path.suffix in (".py", ".j2", ".html", ".css")
             for number, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert len(codes) > 30
    assert named == []


# -- named conditions ------------------------------------------------------------------------

def test_the_warning_signs_are_written_once_and_every_rule_that_lets_training_go_on_uses_them():
    rulebase = load_rulebase(RULES)
    (named,) = [c for c in rulebase.conditions if c.name == "no_warning_sign"]
    users = [rule.id for rule in rulebase.rules if "no_warning_sign" in json.dumps(_names(rule.when))]
    mild = {d.code for d in rulebase.dispositions if not d.referral and d.code != rulebase.roles.program_disposition}
    assert {rule.id for rule in rulebase.rules if rule.disposition in mild} <= set(users)
    assert named.title


def _names(condition):
    from spinewise.rulebase.conditions import names_used
    return names_used(condition)


def test_a_new_warning_sign_added_to_the_named_condition_holds_back_every_training_rule(rules_copy, healthy):
    edit(rules_copy / "10-red-flags.yaml", "              - {question: radiating_leg_pain, operator: is_true}",
         "              - {question: radiating_leg_pain, operator: is_true}\n"
         "              - {question: arched_back, operator: is_true}")
    triage = Triage(load_rulebase(rules_copy))
    result = triage.assess({**healthy, "arched_back": True})
    assert result.disposition != "continue_training"
    assert "no_back_involvement" not in result.finding_codes


def test_an_unknown_named_condition_is_reported_at_its_line(rules_copy):
    path = rules_copy / "60-program.yaml"
    edit(path, "        - {condition: no_warning_sign}", "        - {condition: no_warning_signs}")
    run = check(rules_copy)
    line = line_of(path, "no_warning_signs")
    assert run.exit_code == 1
    assert f"{path}:{line}: unknown condition 'no_warning_signs' (did you mean 'no_warning_sign'?) " \
           "(named conditions: back_involved, " \
           "no_serious_flag, no_warning_sign, nothing_points_at_the_back, back_settled, " \
           "no_warning_sign_this_week, on_program, on_load)" in run.stdout


def test_a_named_condition_that_refers_to_itself_is_refused(rules_copy):
    path = rules_copy / "10-red-flags.yaml"
    edit(path, "              - {question: radiating_leg_pain, operator: is_true}",
         "              - {question: radiating_leg_pain, operator: is_true}\n              - {condition: no_warning_sign}")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert f"{path}:{line_of(path, '- {condition: no_warning_sign}')}: condition 'no_warning_sign' refers to itself" \
        in run.stdout


def test_the_rulebook_shows_a_named_condition_once_and_rules_by_its_name():
    run = invoke("rules", "doc", "--format", "markdown")
    book = run.stdout
    assert book.count("### No warning sign (`no_warning_sign`)") == 1
    assert book.count("the condition “No warning sign” holds") >= 2
    # once in no_serious_flag and once in the check-in's no_warning_sign_this_week, never inlined in a rule
    assert book.count("*Have you ever had cancer?* is no") == 2


# -- negation ----------------------------------------------------------------------------------

NEGATED_RULE = """
  - id: zz-cues-without-lumbar-finding
    title: Keep the cues when no lumbar finding was drawn
    version: "1.0"
    status: approved
    author: test
    reviewer: test
    reviewer_role: engineering
    review_date: 2026-11-24
    source: test
    rationale: test
    when:
      all:
        - {question: reps_per_set, operator: at_least, value: 1}
        - not: {finding: lumbar_flexion_under_load}
    then:
      finding: zz_no_flexion_seen
    examples:
      - given: {}
        expect: {findings: [zz_no_flexion_seen]}
"""


def add_negated_rule(rules_copy, negated_finding="lumbar_flexion_under_load"):
    path = rules_copy / "05-negation.yaml"
    path.write_text("topic: Negation\nsalience: 1000\nrules:" + NEGATED_RULE.replace(
        "lumbar_flexion_under_load", negated_finding))
    with open(rules_copy / "findings.yaml", "a") as findings:
        findings.write("  - code: zz_no_flexion_seen\n    title: No lumbar flexion seen\n")
    return path


def test_not_on_a_finding_gives_the_same_results_whatever_the_salience_and_rule_order(rules_copy):
    # The negated rule comes first in the files and has the highest salience, so without
    # strata it would fire before the rule that draws the finding it negates.
    add_negated_rule(rules_copy)
    rulebase = load_rulebase(rules_copy)
    baseline = Triage(rulebase)
    rng = random.Random(3)
    cases = [random_answers(rulebase, rng) for _ in range(300)]
    cases.append({**rulebase.baseline, "tailbone_tuck": True})
    expected = [_comparable(baseline.conclude(answers)) for answers in cases]
    assert any("zz_no_flexion_seen" in e[1] for e in expected)
    assert any("lumbar_flexion_under_load" in e[1] for e in expected)
    assert not any("zz_no_flexion_seen" in e[1] and "lumbar_flexion_under_load" in e[1] for e in expected)
    import dataclasses

    for seed in range(6):
        shuffled = list(rulebase.rules)
        random.Random(seed).shuffle(shuffled)
        shuffled = [dataclasses.replace(rule, salience=random.Random(seed * 97 + i).randint(-50, 200))
                    for i, rule in enumerate(shuffled)]
        triage = Triage(dataclasses.replace(rulebase, rules=tuple(shuffled)))
        assert [_comparable(triage.conclude(answers)) for answers in cases] == expected


def _comparable(result):
    return (result.disposition, sorted(result.finding_codes), sorted(json.dumps(p.attributes, sort_keys=True)
                                                                     + p.code for p in result.plan))


def test_a_not_that_depends_on_its_own_conclusion_is_refused_with_what_to_write(rules_copy):
    path = add_negated_rule(rules_copy, negated_finding="zz_no_flexion_seen")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert (f"{path}:4: rule zz-cues-without-lumbar-finding: 'not: {{finding: zz_no_flexion_seen}}' "
            "depends on its own conclusions") in run.stdout
    assert "use 'not: {condition: <name>}'" in run.stdout


def test_whole_results_are_the_same_across_processes_and_hash_seeds(tmp_path):
    cases = tmp_path / "cases.jsonl"
    write_cases(cases, load_rulebase(RULES), 400, seed=17)
    outputs = set()
    for seed in ("0", "1", "4242", "random"):
        out = tmp_path / f"out-{seed}.jsonl"
        env = {**__import__("os").environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "spinewise", "batch", str(cases), "--output", str(out), "--jobs", "2"],
                       check=True, env=env, capture_output=True)
        outputs.add(out.read_bytes())
    assert len(outputs) == 1
    assert len(next(iter(outputs)).splitlines()) == 400
