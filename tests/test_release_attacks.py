"""Issue 25's audit replayed: each attack on trust, sign-off, approval and the safety case, on a
copy of the rules, and what the version-4 contract promises instead (no false claim in any
report format, `rules check` exit 1 naming what broke, an approval voided, advice refused)."""

import datetime
import json
import os

import pytest
import yaml

from conftest import EXAMPLES, check, edit, invoke, line_of
from trust_support import make_key, person, records, review, write_trust

ANSWERS = EXAMPLES / "healthy_glutes_only.json"
FORMATS = ("text", "markdown", "html", "json")


@pytest.fixture
def clinic(tmp_path, rules_copy):
    """A clinic's trust file, outside the rule folder: a physiotherapist, a doctor, and a safety officer."""
    keys = {name: make_key(tmp_path / name) for name in ("jane", "bob", "ann")}
    trust = write_trust(tmp_path / "clinic-trust.yaml",
                        person("Jane Doe", "physiotherapist", keys["jane"], "HCPC PH12345"),
                        person("Bob Roe", "doctor", keys["bob"], "GMC 7654321"),
                        person("Ann Lee", "doctor", keys["ann"], "GMC 1111111", approves=True))
    os.environ["SPINEWISE_TRUST"] = str(trust)  # conftest restores it after the test
    return rules_copy, trust, keys


def assess(folder, fmt="json", *extra):
    return invoke("assess", "--answers", ANSWERS, "--format", fmt, "--rules", folder, *extra)


def review_of(folder, *extra):
    run = assess(folder, "json", *extra)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)["review"]


def every_report(folder, *extra):
    texts = []
    for fmt in FORMATS:
        run = assess(folder, fmt, *extra)
        assert run.exit_code == 0, run.stderr
        texts.append(" ".join(run.stdout.split()))
    return " ".join(texts)


def sign(folder, trust, who, keys, *rules, extra=("--yes",)):
    name = {"jane": "Jane Doe", "bob": "Bob Roe", "ann": "Ann Lee"}[who]
    run = review(folder, trust, name, keys[who], *rules, extra=extra)
    assert run.exit_code == 0, run.stderr
    return run


# -- 1. the list of who may sign is no longer a file inside the folder it vouches for --------

def test_a_reviewers_file_in_the_rule_folder_makes_nobody_a_clinician(rules_copy, tmp_path):
    mallory = make_key(tmp_path / "mallory")
    (rules_copy / "reviewers.yaml").write_text(yaml.safe_dump({"reviewers": [
        person("Dr Sarah Khan", "doctor", mallory, "GMC 1234567")]}))
    run = invoke("rules", "review", rules_copy, "--reviewer", "Dr Sarah Khan", "--key", mallory, "--yes")
    assert run.exit_code == 2 and "no trust file was read" in run.stderr
    assert not (rules_copy / "signoffs.yaml").exists()
    assert review_of(rules_copy) | {"rules_in_use": 0} == {"rules_in_use": 0, "signed_off": 0, "out_of_date": 0,
                                                            "approved": None, "trust": False}
    reports = every_report(rules_copy)
    assert "Sarah Khan" not in reports and "Every rule" not in reports
    assert "trust file was read, so no rule counts as reviewed by a clinician" in reports
    assert "No clinic has approved this rule base for use" in reports
    assert "reviewers.yaml decides nothing" in check(rules_copy).stdout


def test_records_forged_with_a_key_the_clinic_does_not_list_count_for_nothing_anywhere(clinic, tmp_path):
    folder, trust, keys = clinic
    mallory = make_key(tmp_path / "mallory")
    own_trust = write_trust(tmp_path / "mallory-trust.yaml", person("Dr Sarah Khan", "doctor", mallory, "GMC 1234567"))
    assert review(folder, own_trust, "Dr Sarah Khan", mallory, extra=["--yes"]).exit_code == 0  # under her own trust
    os.environ["SPINEWISE_TRUST"] = str(trust)  # back to the clinic's trust file
    run = check(folder)
    assert run.exit_code == 1 and f"Dr Sarah Khan is not in {trust}; it counts for nothing" in run.stdout
    refused = assess(folder)
    assert refused.exit_code == 2 and f"spinewise rules check {folder}" in refused.stderr
    os.environ["SPINEWISE_TRUST"] = ""  # no trust file at all: runs, and claims nothing
    reports = every_report(folder)
    assert "Every rule" not in reports and "signed off by a licensed clinician" not in reports
    assert "could not be verified against the clinic's trust file, and count for nothing: Dr Sarah Khan" in reports


def test_a_trust_file_inside_the_rule_folder_is_refused(clinic):
    folder, trust, _ = clinic
    inside = folder / "trust.yaml"
    inside.write_text(trust.read_text())
    for args in (("assess", "--answers", ANSWERS, "--rules", folder), ("rules", "check", folder)):
        run = invoke(*args, "--trust", inside)
        assert run.exit_code == 2 and "is inside the rule folder" in run.stderr and "Traceback" not in run.output


@pytest.mark.parametrize("twin", ["Jane Do\u0435", "J\u0430ne Doe", "Jane\u200bDoe"])
def test_two_people_whose_names_look_the_same_are_refused(clinic, tmp_path, twin):
    folder, trust, keys = clinic
    other = make_key(tmp_path / "twin")
    write_trust(trust, person("Jane Doe", "physiotherapist", keys["jane"], "HCPC PH12345"),
                person(twin, "doctor", other, "GMC 9999999"))
    run = assess(folder)
    assert run.exit_code == 2 and "the trust file is refused" in run.stderr
    assert "looks like" in run.stderr or "invisible characters" in run.stderr or "mixes scripts" in run.stderr


def test_a_name_typed_with_a_non_breaking_space_is_the_same_person_not_a_second_one(clinic, tmp_path):
    folder, trust, keys = clinic
    write_trust(trust, person("Jane Doe", "physiotherapist", keys["jane"], "HCPC PH12345"),
                person("Jane\u00a0Doe", "doctor", make_key(tmp_path / "twin"), "GMC 9999999"))
    run = assess(folder)
    assert run.exit_code == 2 and "listed twice with a different role or registration" in run.stderr


def test_a_second_reviewer_cannot_override_a_request_for_changes_without_naming_it(clinic):
    folder, trust, keys = clinic
    run = review(folder, trust, "Jane Doe", keys["jane"], "rf-fever", input="r\nName the temperature in the question\n")
    assert run.exit_code == 0, run.stderr
    sign(folder, trust, "bob", keys, "rf-fever")
    counts = review_of(folder)
    assert counts["signed_off"] == 0
    book = " ".join(invoke("rules", "doc", folder).stdout.split())
    assert "changes requested, not signed off (Jane Doe (physiotherapist, HCPC PH12345) on" in book
    assert "asked: Name the temperature in the question" in book
    text = every_report(folder)
    practitioner = text[text.index("FOR YOUR PRACTITIONER"):]
    assert "Changes requested and not yet resolved for rf-fever (Jane Doe" in practitioner
    import re

    digest = re.search(r"asked: Name the temperature in the question \(request ([0-9a-f]{12})\)", book).group(1)
    sign(folder, trust, "bob", keys, "rf-fever", extra=("--yes", "--resolves", digest))
    assert review_of(folder)["signed_off"] == 1
    assert records(folder)[-1]["resolves"].startswith(digest)


def test_the_same_person_resolves_her_own_request_by_signing_again(clinic):
    folder, trust, keys = clinic
    assert review(folder, trust, "Jane Doe", keys["jane"], "rf-fever", input="r\nSay 38 C\n").exit_code == 0
    assert review_of(folder)["signed_off"] == 0
    assert review(folder, trust, "Jane\u00a0Doe", keys["jane"], "rf-fever", extra=["--yes"]).exit_code == 0
    assert review_of(folder)["signed_off"] == 1


# -- 2. the registration is signed ----------------------------------------------------------

def test_a_registration_edited_after_signing_breaks_the_record_and_the_rules_give_no_advice(clinic):
    folder, trust, keys = clinic
    sign(folder, trust, "jane", keys, "rf-fever", "rf-night-pain")
    edit(folder / "signoffs.yaml", '"HCPC PH12345"', '"GMC 1234567"')
    run = check(folder)
    assert run.exit_code == 1
    assert "sign-off of rule rf-fever by Jane Doe on" in run.stdout and "the signature does not verify" in run.stdout
    refused = assess(folder)
    assert refused.exit_code == 2 and "has errors, so it gives no advice" in refused.stderr
    assert refused.stdout == ""


# -- 3. the history cannot be edited without trace ------------------------------------------

def _three_records(folder, trust, keys):
    sign(folder, trust, "bob", keys, "rf-fever")
    assert review(folder, trust, "Jane Doe", keys["jane"], "rf-fever", input="r\nSay 38 C\n").exit_code == 0
    sign(folder, trust, "jane", keys, "rf-night-pain")
    return yaml.safe_load((folder / "signoffs.yaml").read_text())["signoffs"]


def _write_records(folder, entries):
    text = (folder / "signoffs.yaml").read_text()
    head = text[:text.index("signoffs:")]
    (folder / "signoffs.yaml").write_text(head + yaml.safe_dump({"signoffs": entries}, sort_keys=False))


def test_deleting_a_request_for_changes_is_an_error_naming_the_record_after_it(clinic):
    folder, trust, keys = clinic
    entries = _three_records(folder, trust, keys)
    assert review_of(folder)["signed_off"] == 1  # rf-night-pain; rf-fever's request stands
    _write_records(folder, [entries[0], entries[2]])
    run = check(folder)
    assert run.exit_code == 1
    assert "sign-off of rule rf-night-pain by Jane Doe on" in run.stdout and "does not follow the record before it" \
        in run.stdout
    assert assess(folder).exit_code == 2


def test_deleting_the_last_record_after_an_approval_is_an_error_of_the_chain_itself(clinic):
    folder, trust, keys = clinic
    entries = _three_records(folder, trust, keys)
    assert invoke("rules", "approve", folder, "--reviewer", "Ann Lee", "--key", keys["ann"]).exit_code == 0
    signed = (folder / "signoffs.yaml").read_text()
    _write_records(folder, entries[:2])  # the last record (Jane's sign-off of rf-night-pain) removed
    run = check(folder)
    assert run.exit_code == 1
    approval = folder / "approval.yaml"
    assert f"{approval}:{line_of(approval, 'signoffs_head:')}: the approval by Ann Lee on" in run.stdout
    assert "which is no longer in signoffs.yaml: the last record(s) were removed or changed" in run.stdout
    assert assess(folder).exit_code == 2
    # records added after the approval only void it: the head it signed is still in the chain
    (folder / "signoffs.yaml").write_text(signed)
    sign(folder, trust, "bob", keys, "rf-night-pain")
    again = check(folder)
    assert again.exit_code == 0, again.stdout
    assert "no longer in signoffs.yaml" not in again.stdout and "is void" in again.stdout


def test_moving_a_request_above_an_approval_is_an_error(clinic):
    folder, trust, keys = clinic
    entries = _three_records(folder, trust, keys)
    _write_records(folder, [entries[1], entries[0], entries[2]])
    run = check(folder)
    assert run.exit_code == 1 and run.stdout.count("does not follow the record before it") >= 2
    assert assess(folder).exit_code == 2


# -- 4. everything that can change what a rule does or says is on its card ------------------

EDITS = {
    "fever asked only without leg pain": (
        "rf-fever", "questions.yaml", "    asked_when: {condition: back_involved}\n    says: {yes: \"you have a fever",
        "    asked_when: {all: [{condition: back_involved}, {question: radiating_leg_pain, operator: is_false}]}\n"
        "    says: {yes: \"you have a fever"),
    "two dispositions swapped": (
        "rf-fever", "rulebase.yaml", None, None),
    "the safety-net heading": (
        "rf-fever", "rulebase.yaml", "See a doctor within 24 hours if you notice:", "Keep an eye on:"),
    "the if-worse text": (
        "rf-fever", "rulebase.yaml", "and answer these questions again at once.", "and keep training through it."),
    "the emergency's presentation": (
        "rf-saddle-numbness", "rulebase.yaml", "presentation: {style: danger, alert: top_and_end}",
        "presentation: {style: info, alert: none}"),
    "a plan item's phase and conflicts": (
        "rf-fever", "plan.yaml", "conflicts_with: [neutral_spine_hip_thrust, reduce_load, reduce_volume, reintroduce_load]",
        "conflicts_with: [reduce_load, reduce_volume, reintroduce_load]"),
    "a check-in question's wording": (
        "ci-pain-worse", "checkin.yaml", "This week, did you have lower-back pain or discomfort during or after training?",
        "This week, did you have a little discomfort?"),
}


def _swap_dispositions(path):
    data = path.read_text()
    first = data.index("  - code: emergency")
    second = data.index("  - code: urgent_consultation")
    third = data.index("  - code: consultation")
    path.write_text(data[:first] + data[second:third] + data[first:second] + data[third:])


@pytest.mark.parametrize("attack", list(EDITS))
def test_each_edit_of_finding_4_voids_the_sign_off_it_touches_and_the_approval(clinic, attack):
    folder, trust, keys = clinic
    rule, file, old, new = EDITS[attack]
    sign(folder, trust, "jane", keys, rule)
    assert invoke("rules", "approve", folder, "--reviewer", "Ann Lee", "--key", keys["ann"]).exit_code == 0
    before = review_of(folder)
    assert before["signed_off"] == 1 and before["approved"]["by"] == "Ann Lee"
    if old is None:
        _swap_dispositions(folder / file)
    else:
        edit(folder / file, old, new)
    run = check(folder)
    assert f"sign-off of rule {rule} by Jane Doe on" in run.stdout and "is out of date" in run.stdout
    assert "the approval by Ann Lee on" in run.stdout and "is void" in run.stdout
    if run.exit_code == 0:
        after = review_of(folder)
        assert after["signed_off"] == 0 and after["out_of_date"] == 1 and after["approved"] is None
        assert "Ann Lee" not in every_report(folder).split("FOR YOUR PRACTITIONER")[0]


def test_asking_fever_only_without_leg_pain_fails_check_and_diff(clinic, rules_copy):
    from conftest import RULES

    _, file, old, new = EDITS["fever asked only without leg pain"]
    edit(rules_copy / file, old, new)
    run = check(rules_copy)
    assert run.exit_code == 1
    assert "hazard infection-not-seen-within-a-day reads fever, which is not asked of some of the lifters" in run.stdout
    diff = invoke("rules", "diff", RULES, rules_copy)
    assert diff.exit_code == 1
    assert "!! question fever: asked when" in diff.stdout and "(ASKED OF FEWER LIFTERS)" in diff.stdout
    assert "!! See a doctor within 24 hours -> Stop hip thrusts and book a licensed practitioner" in diff.stdout


# -- 5. the safety case is under change control ---------------------------------------------

@pytest.mark.parametrize("change", ["weakened", "emptied", "deleted"])
def test_a_hazard_removed_or_weakened_leads_rules_diff_and_fails_it(rules_copy, change):
    from conftest import RULES

    safety = rules_copy / "safety.yaml"
    if change == "weakened":
        text = safety.read_text()
        start = text.index("id: infection-not-seen-within-a-day")
        at = text.index("disposition_at_least: urgent_consultation", start)
        safety.write_text(text[:at] + "disposition_at_least: consultation" +
                          text[at + len("disposition_at_least: urgent_consultation"):])
    elif change == "emptied":
        safety.write_text("hazards: []\n")
    else:
        safety.unlink()
    run = invoke("rules", "diff", RULES, rules_copy)
    assert run.exit_code == 1
    section = run.stdout.split("SAFETY CASE\n")[1]
    assert section.startswith("!! ")
    if change == "weakened":
        assert "!! hazard infection-not-seen-within-a-day: guarantee" in section and "WEAKENED" in section
    else:
        assert "!! hazard nerve-sign-not-emergency REMOVED" in section


def test_a_hazard_that_reads_the_rules_own_parameter_is_an_error(rules_copy):
    edit(rules_copy / "safety.yaml", "{question: pain_intensity, operator: at_least, value: 7}",
         "{question: pain_intensity, operator: at_least, parameter: severe_pain_at_least}")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert "names the parameter severe_pain_at_least, which the rules read: a hazard states its thresholds as " \
           "numbers" in run.stdout


def test_raising_the_severe_pain_threshold_to_10_breaks_the_severe_pain_hazard(rules_copy):
    edit(rules_copy / "20-pain.yaml", "  severe_pain_at_least:\n    value: 7\n", "  severe_pain_at_least:\n    value: 10\n")
    run = check(rules_copy)
    assert run.exit_code == 1 and "hazard severe-pain-left-to-train is not prevented" in run.stdout


# -- 6. check-in hazards cover every first pain ----------------------------------------------

def test_a_worsening_pain_rule_that_skips_first_pains_4_to_6_fails_check(rules_copy):
    edit(rules_copy / "70-checkin.yaml",
         "      {question: pain_change, operator: at_least, parameter: pain_change_that_matters}\n",
         "      all:\n        - {question: pain_change, operator: at_least, parameter: pain_change_that_matters}\n"
         "        - {question: first_pain, operator: one_of, value: [0, 1, 2, 3, 7, 8, 9, 10]}\n")
    edit(rules_copy / "70-checkin.yaml", "pain_intensity: 7, first_pain: 5}", "pain_intensity: 9, first_pain: 7}")  # its example passes
    run = check(rules_copy)
    assert run.exit_code == 1
    assert "hazard checkin-worsening-pain-left-to-train is not prevented at a check-in" in run.stdout


# -- 7. check-in rules are signed and counted ------------------------------------------------

def test_a_check_in_rule_is_signed_like_any_other_and_counted(clinic):
    folder, trust, keys = clinic
    sign(folder, trust, "jane", keys, "ci-pain-worse")
    counts = review_of(folder)
    assert counts["signed_off"] == 1 and counts["rules_in_use"] == 63
    assert "63 in use (approved)" in invoke("rules", "doc", folder).stdout


def test_rules_diff_models_check_ins(rules_copy):
    from conftest import RULES

    edit(rules_copy / "70-checkin.yaml", "  pain_change_that_matters:\n    value: 2\n",
         "  pain_change_that_matters:\n    value: 4\n")
    run = invoke("rules", "diff", RULES, rules_copy)
    assert run.exit_code == 1
    assert "CHECK-INS WHOSE OUTCOME CHANGES" in run.stdout
    assert "!! check-ins: Stop hip thrusts and book a licensed practitioner ->" in run.stdout
    # Each region is replayed in more than the quietest week: with a red flag at the same check-in the
    # lifter still goes to the emergency department, but without the worsening-pain finding.
    assert "   check-ins: Go to an emergency department now (other findings or plan): " in run.stdout


# -- 8. a rule base that fails its checks gives no advice -------------------------------------

@pytest.mark.parametrize("command", ["assess", "checkin", "batch", "serve"])
def test_every_command_that_gives_advice_refuses_a_rule_base_with_a_broken_hazard(rules_copy, tmp_path, command):
    edit(rules_copy / "10-red-flags.yaml", "      finding: possible_infection\n      disposition: urgent_consultation",
         "      finding: possible_infection\n      disposition: consultation")
    edit(rules_copy / "10-red-flags.yaml", "expect: {disposition: urgent_consultation, findings: [possible_infection]",
         "expect: {disposition: consultation, findings: [possible_infection]")
    journal = tmp_path / "journal.json"
    args = {"assess": ("assess", "--answers", ANSWERS, "--format", "json"),
            "checkin": ("checkin", "--journal", journal, "--answers", ANSWERS),
            "batch": ("batch", ANSWERS),
            "serve": ("serve", "--port", "8517")}[command]
    run = invoke(*args, "--rules", rules_copy)
    assert run.exit_code == 2
    assert "hazard infection-not-seen-within-a-day is not prevented" in run.stderr
    assert f"spinewise rules check {rules_copy}" in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert run.stdout == ""


def test_warnings_do_not_stop_advice(clinic):
    folder, trust, keys = clinic
    sign(folder, trust, "jane", keys, "rf-fever")
    edit(folder / "findings.yaml", "needs a doctor soon.", "needs a doctor today.")  # out of date: a warning
    assert check(folder).exit_code == 0
    assert assess(folder).exit_code == 0


# -- 9. the smaller points --------------------------------------------------------------------

def test_yes_marks_the_records_bulk_and_the_real_date_is_signed(clinic, monkeypatch):
    folder, trust, keys = clinic
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")  # 2000-01-01
    sign(folder, trust, "jane", keys, "rf-fever")
    assert review(folder, trust, "Jane Doe", keys["jane"], "rf-night-pain", input="a\n").exit_code == 0
    first, second = records(folder)
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    assert first["bulk"] is True and second["bulk"] is False
    assert first["date"] == second["date"] == today


def test_a_key_others_can_read_is_used_with_a_warning(clinic):
    folder, trust, keys = clinic
    os.chmod(keys["jane"], 0o644)
    run = sign(folder, trust, "jane", keys, "rf-fever")
    assert "can be read by others than you (mode 644)" in run.stderr and "chmod 600" in run.stderr


def test_a_request_for_changes_asks_what_should_change_until_it_is_told(clinic):
    folder, trust, keys = clinic
    run = review(folder, trust, "Jane Doe", keys["jane"], "rf-fever", input="r\n\nSay 38 C in the question\n")
    assert run.exit_code == 0
    assert run.stdout.count("What should change (required)") == 2
    assert records(folder)[0]["note"] == "Say 38 C in the question"


def test_appending_below_an_empty_list_gets_advice_about_the_list(clinic, tmp_path):
    folder, trust, keys = clinic
    trust.write_text("people: []\n  - name: Jane Doe\n    role: physiotherapist\n")
    run = assess(folder)
    assert run.exit_code == 2
    assert "`people: []` says the list is empty" in run.stderr and "quotes" not in run.stderr


# -- the release approval ---------------------------------------------------------------------

def test_only_a_safety_officer_approves_and_any_change_voids_it(clinic):
    folder, trust, keys = clinic
    run = invoke("rules", "approve", folder, "--reviewer", "Jane Doe", "--key", keys["jane"])
    assert run.exit_code == 2 and "is not a clinical safety officer" in run.stderr
    assert not (folder / "approval.yaml").exists()
    run = invoke("rules", "approve", folder, "--reviewer", "Ann Lee", "--key", keys["ann"], "--note", "Release 2")
    assert run.exit_code == 0
    approved = review_of(folder)["approved"]
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    assert approved == {"by": "Ann Lee", "role": "doctor", "registration": "GMC 1111111", "date": today}
    from spinewise.i18n import day_in_words

    in_words = day_in_words(datetime.date.fromisoformat(today))  # a lifter reads dates in words
    for fmt in ("text", "markdown", "html"):
        assert f"Ann Lee (doctor, GMC 1111111) approved this rule base for use on {in_words}." in \
            " ".join(assess(folder, fmt).stdout.split())
    (folder / "README.md").write_text((folder / "README.md").read_text() + "\nA note.\n")
    assert review_of(folder)["approved"] is None
    assert "the approval by Ann Lee" in " ".join(assess(folder, "text").stdout.split()) or \
        "No clinic has approved this rule base for use as it is now" in " ".join(assess(folder, "text").stdout.split())


def test_a_rule_base_with_errors_cannot_be_approved(clinic):
    folder, trust, keys = clinic
    edit(folder / "20-pain.yaml", "  severe_pain_at_least:\n    value: 7\n", "  severe_pain_at_least:\n    value: 10\n")
    run = invoke("rules", "approve", folder, "--reviewer", "Ann Lee", "--key", keys["ann"])
    assert run.exit_code == 2 and "a rule base with errors cannot be approved" in run.stderr
    assert not (folder / "approval.yaml").exists()
