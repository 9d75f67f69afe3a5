"""The clinic's attention list (rules/attention.yaml) is under review like the rules: one card signed
with `rules review --attention`, voided by an edit; `rules diff` says which levels were added,
removed, reordered or changed, and a hazard removed leads with !!; `rules doc` prints it."""

import shutil

import pytest

from conftest import edit, invoke
from trust_support import make_key, person, records, write_trust

QUIET_REASON = "The check-in due on {next_checkin} is {days_overdue} days overdue."


@pytest.fixture
def clinician(rules_copy, tmp_path):
    key = make_key(tmp_path / "jane")
    trust = write_trust(tmp_path / "trust.yaml", person("Jane Doe", "physiotherapist", key, "HCPC PH12345"))
    return rules_copy, trust, key


def move_level_first(attention, code, before):
    """Put level `code` right before level `before` (both written as `  - code: ...`)."""
    text = attention.read_text()
    start = text.index(f"  - code: {code}\n")
    end = text.index("  - code: ", start + 5)
    block = text[start:end]
    text = text.replace(block, "", 1)
    attention.write_text(text.replace(f"  - code: {before}\n", block + f"  - code: {before}\n", 1))


def diff(old, new):
    run = invoke("rules", "diff", old, new)
    assert "Traceback" not in run.output
    return run


def rulebook(folder, trust, fmt="markdown"):
    return invoke("rules", "doc", folder, "--trust", trust, "--format", fmt).stdout


def test_the_attention_list_is_signed_as_one_card_and_an_edit_voids_it(clinician):
    folder, trust, key = clinician
    run = invoke("rules", "review", folder, "--trust", trust, "--reviewer", "Jane Doe", "--key", key, "--attention",
                 "--yes")
    assert run.exit_code == 0, run.output
    assert "==== Attention list 1 of 1 (attention.yaml) ====" in run.stdout
    assert "Level: 1. Referred, not yet acknowledged (referral_not_acknowledged)" in run.stdout
    assert f"Reason: {QUIET_REASON}" in run.stdout
    assert [r["rule"] for r in records(folder)] == ["attention"]
    assert "Review: signed off by Jane Doe (physiotherapist, HCPC PH12345) on" in rulebook(folder, trust)

    edit(folder / "attention.yaml", "operator: is_false}", "operator: is_true}")  # a level's condition
    check = invoke("rules", "check", folder, "--trust", trust)
    assert "sign-off of the attention list by Jane Doe" in check.output and "is out of date" in check.output
    assert "spinewise rules review --attention" in check.output
    assert "Review: out of date: signed off by Jane Doe" in rulebook(folder, trust)


def test_the_rulebook_prints_every_level_in_order_with_its_condition_and_reason(clinician):
    folder, trust, _ = clinician
    book = rulebook(folder, trust)
    part = book[book.index("## The clinic's attention list"):book.index("## Static verification")]
    titles = [line for line in part.splitlines() if line.startswith("### ")]
    assert titles[:7] == ["### 1. Referred, not yet acknowledged (referral_not_acknowledged)",
                          "### 2. Referred, acknowledged (referral_acknowledged)",
                          "### 3. Pain worse than at the start (pain_worse)",
                          "### 4. Symptoms back on the way to load (symptoms_back_on_load)",
                          "### 5. Gone quiet (gone_quiet)",
                          "### 6. No improvement by the date (no_improvement_by_date)",
                          "### 7. Following the program (following)"]
    assert f"- **Reason:** {QUIET_REASON}" in part
    assert "is at least 2" in part and "attention_pain_worse_by = 2" in part
    html = rulebook(folder, trust, "html")
    assert 'id="attention"' in html and "Gone quiet (gone_quiet)" in html


def test_rules_diff_names_levels_reordered_removed_added_and_conditions_changed(rules_copy, tmp_path):
    new = tmp_path / "new"
    shutil.copytree(rules_copy, new)
    attention = new / "attention.yaml"
    move_level_first(attention, "symptoms_back_on_load", "pain_worse")
    edit(attention, "{question: days_past_no_improvement, operator: at_least, value: 0}",
         "{question: days_past_no_improvement, operator: at_least, value: 14}")
    edit(attention, "  - code: gone_quiet\n    title: Gone quiet", "  - code: silent\n    title: Gone quiet")
    run = diff(rules_copy, new)
    assert run.exit_code == 0, run.output
    out = run.stdout
    assert ("attention levels, most urgent first: referral_not_acknowledged > referral_acknowledged > pain_worse > "
            "symptoms_back_on_load > no_improvement_by_date > following -> referral_not_acknowledged > "
            "referral_acknowledged > symptoms_back_on_load > pain_worse > no_improvement_by_date > following") in out
    assert "attention level gone_quiet removed (it was level 5)" in out
    assert "attention level silent added as level 5" in out
    assert ("attention level no_improvement_by_date: when the answer to \"days since the no-improvement date "
            "(negative: before it)\" is at least 0 -> when the answer to \"days since the no-improvement date "
            "(negative: before it)\" is at least 14") in out


def test_an_attention_hazard_removed_leads_the_diff_with_two_marks_and_exit_1(rules_copy, tmp_path):
    new = tmp_path / "new"
    shutil.copytree(rules_copy, new)
    text = (new / "attention.yaml").read_text()
    (new / "attention.yaml").write_text(text[:text.index("hazards:")] + "hazards: []\n")
    run = diff(rules_copy, new)
    assert run.exit_code == 1
    safety = run.stdout[run.stdout.index("SAFETY CASE"):]
    assert safety.splitlines()[1].startswith("!! attention hazard referred-lifter-listed-below REMOVED")


def test_a_rule_cannot_take_the_name_the_attention_lists_sign_off_is_recorded_under(rules_copy):
    edit(rules_copy / "10-red-flags.yaml", "  - id: rf-fever\n", "  - id: attention\n")
    run = invoke("rules", "check", rules_copy)
    assert run.exit_code == 1
    assert "rule id 'attention' is reserved for the review of the attention list: give the rule another id" in run.stdout


def test_a_review_of_the_rules_alone_names_the_attention_list_and_translations_still_to_review(clinician):
    folder, trust, key = clinician
    run = invoke("rules", "review", folder, "--trust", trust, "--reviewer", "Jane Doe", "--key", key,
                 "--rule", "rf-saddle-numbness", "--yes")
    assert run.exit_code == 0, run.output
    assert "Reviewed apart from the rules: the attention list: --attention" in run.stderr
    # rules_copy leaves the catalogues out, so no translation is named
    assert "--translation" not in run.stderr

    alone = invoke("rules", "review", folder, "--trust", trust, "--reviewer", "Jane Doe", "--key", key,
                   "--attention", "--yes")
    assert "Reviewed apart from the rules" not in alone.stderr
